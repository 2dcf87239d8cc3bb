// Submitting a paper to the daily list, by arXiv id or URL. The metadata comes from the local corpus,
// or else from the arXiv query API (and joins the corpus). The rules (domain/submission-rules.ts) are
// checked twice: the cheap ones before asking arXiv (so a member who may not submit cannot make the
// server fetch anything), and all of them again inside the transaction that adds the entry, so that
// two submissions racing each other cannot both pass the daily cap or the no-duplicate rule.
import type { Kysely, Transaction } from 'kysely';
import { lockRow } from '../db/queries/locks.ts';
import { storeBatch } from '../db/queries/store-papers.ts';
import { recomputeTrending } from '../db/queries/trending.ts';
import type { Database } from '../db/schema.ts';
import type { PaperRecord } from '../domain/paper.ts';
import type { Role } from '../domain/roles.ts';
import {
  checkSubmission,
  readableDay,
  type SubmissionFacts,
  type SubmissionSettings,
  submissionInput,
  utcDay,
} from '../domain/submission-rules.ts';
import type { TrendingParams } from '../domain/trending.ts';
import { lookupArxivIds } from '../ingest/arxiv/client.ts';
import { ArxivIngestError } from '../ingest/arxiv/errors.ts';
import { ActionError, invalidField } from './errors.ts';

type Db = Kysely<Database>;

/** The field of the form and of the API body that holds what was typed; refusals about it name it. */
export const PAPER_FIELD = 'paper_id';

/** Looks one paper up on arXiv; undefined when arXiv has no such paper. */
export type ArxivLookup = (id: string) => Promise<PaperRecord | undefined>;

/** A look-up for one interactive request: one try with a short timeout, no polite wait before it. */
export function arxivLookup(endpoint: string): ArxivLookup {
  return async (id) => {
    const r = await lookupArxivIds([id], { endpoint, delayMs: 0, maxRetries: 1, backoffMs: 1000, timeoutMs: 15_000 });
    return r.papers[0];
  };
}

export interface SubmitProps {
  db: Db;
  userId: number;
  role: Role;
  /** What the member typed: an id (`2401.12345`, `arXiv:2401.12345v2`) or an arXiv URL. */
  input: string;
  rules: SubmissionSettings;
  trending: TrendingParams;
  lookup: ArxivLookup;
  now?: Date;
}

export interface Submitted {
  paperId: string;
  day: string;
  title: string;
  /** Where the metadata came from. */
  source: 'corpus' | 'arxiv';
}

async function facts(db: Db | Transaction<Database>, p: SubmitProps, paperId: string, now: Date): Promise<SubmissionFacts> {
  const paper = await db.selectFrom('papers').select(['published_at', 'hidden']).where('id', '=', paperId).executeTakeFirst();
  const listed = await db.selectFrom('daily_entries').select('day').where('paper_id', '=', paperId).execute();
  const today = utcDay(now);
  const mine = await db
    .selectFrom('daily_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('submitted_by', '=', p.userId)
    .where('day', '=', today)
    .executeTakeFirstOrThrow();
  return {
    role: p.role,
    now,
    publishedAt: paper?.published_at ?? null,
    listedDays: listed.map((r) => r.day),
    hidden: paper?.hidden === 1,
    submittedToday: Number(mine.n),
  };
}

function refuseIf(f: SubmissionFacts, rules: SubmissionSettings): void {
  const r = checkSubmission(f, rules);
  if (!r) return;
  const err = new ActionError(r.status, r.message, r.code, r.retryAfter ? { 'retry-after': String(r.retryAfter) } : {});
  if (r.listedDay) err.link = { href: `/papers/date/${r.listedDay}`, text: `See the list of ${readableDay(r.listedDay)}` };
  throw err;
}

export async function submitPaper(p: SubmitProps): Promise<Submitted> {
  const now = p.now ?? new Date();
  const input = submissionInput(p.input);
  if ('problem' in input) throw invalidField(PAPER_FIELD, input.problem, 'invalid_id');
  const id = input.id;
  // Cheap checks first (with no paper known yet: role and daily cap).
  refuseIf({ ...(await facts(p.db, p, id, now)) }, p.rules);

  let source: Submitted['source'] = 'corpus';
  const known = await p.db.selectFrom('papers').select('id').where('id', '=', id).executeTakeFirst();
  if (!known) {
    let record: PaperRecord | undefined;
    try {
      record = await p.lookup(id);
    } catch (e) {
      if (e instanceof ArxivIngestError)
        throw new ActionError(502, 'arXiv did not answer properly just now; please try again in a few minutes.', 'arxiv_unavailable');
      throw e;
    }
    // Most likely a mistyped id: said beside the field, where it can be corrected.
    if (!record) throw invalidField(PAPER_FIELD, `arXiv has no paper ${id}.`, 'not_on_arxiv', 404);
    await storeBatch(p.db, { papers: [record], entries: [] }, now.toISOString());
    source = 'arxiv';
  }

  return p.db.transaction().execute(async (trx) => {
    // One submission of a paper, and of a member, at a time (see db/queries/locks.ts): the checks
    // below then see every submission committed before.
    await lockRow(trx, 'papers', id);
    await lockRow(trx, 'accounts', p.userId);
    refuseIf(await facts(trx, p, id, now), p.rules);
    const day = utcDay(now);
    await trx
      .insertInto('daily_entries')
      .values({
        paper_id: id,
        day,
        added_at: now.toISOString(),
        announced_at: null,
        submitted_by: p.userId,
        hf_submitted_by: null,
        organization_id: null,
        thumbnail: null,
        media_urls: null,
        is_author_participating: null,
        hidden: 0,
      })
      .execute();
    await recomputeTrending(trx, p.trending, now.toISOString(), [id]);
    const paper = await trx.selectFrom('papers').select('title').where('id', '=', id).executeTakeFirstOrThrow();
    return { paperId: id, day, title: paper.title, source };
  });
}
