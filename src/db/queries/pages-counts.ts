// Counts the pages need beside the lists of papers.ts: how many papers a list holds (for "Page 2 of 3"
// and headings), and the latest day with papers inside a period (where the Daily tab of a week leads).
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { papersOf } from './papers.ts';

/** Papers on the lists of a period (`end` exclusive), or submitted by a member (or on Hugging Face by an imported user): each paper once, as listEntries returns them. */
export async function countEntries(
  db: Kysely<Database>,
  q: { start?: string; end?: string; submitterId?: number; hfSubmitterId?: number },
): Promise<number> {
  let query = db
    .selectFrom('daily_entries as e')
    .innerJoin('papers as p', 'p.id', 'e.paper_id')
    .where('e.hidden', '=', 0)
    .where('p.hidden', '=', 0);
  if (q.start) query = query.where('e.day', '>=', q.start);
  if (q.end) query = query.where('e.day', '<', q.end);
  if (q.submitterId !== undefined) query = query.where('e.submitted_by', '=', q.submitterId);
  if (q.hfSubmitterId !== undefined) query = query.where('e.hf_submitted_by', '=', q.hfSubmitterId);
  const r = await query.select(({ fn }) => fn.count<number>('e.paper_id').distinct().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Visible papers of an organisation or an author (as `listPapersWhere` filters them). */
export async function countPapersWhere(db: Kysely<Database>, filter: { organizationId: number } | { authorName: string }): Promise<number> {
  const r = await papersOf(db.selectFrom('papers as p'), filter)
    .select(({ fn }) => fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The latest day within [start, end) that has a visible entry. */
export async function latestDayWithin(db: Kysely<Database>, start: string, end: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('daily_entries as e')
    .innerJoin('papers as p', 'p.id', 'e.paper_id')
    .select(({ fn }) => fn.max('e.day').as('day'))
    .where('e.hidden', '=', 0)
    .where('p.hidden', '=', 0)
    .where('e.day', '>=', start)
    .where('e.day', '<', end)
    .executeTakeFirst();
  return r?.day ?? undefined;
}
