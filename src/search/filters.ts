// Search filters, shared by every ranker: each ranker returns ids with scores, and this one step keeps
// the ids that pass (or, for the keyword ranker, adds the same conditions to its SQL).
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface SearchFilters {
  /** Published on or after this day (`YYYY-MM-DD`). */
  from?: string;
  /** Published on or before this day. */
  to?: string;
  /** arXiv category, e.g. `cs.CL`. */
  category?: string;
  /** Organisation name (`/orgs/{name}`). */
  organization?: string;
  hasCode?: boolean;
  /** Was on a daily list at least once. */
  onList?: boolean;
}

export function hasFilters(f: SearchFilters): boolean {
  return Object.values(f).some((v) => v !== undefined && v !== false && v !== '');
}

type Eb = ExpressionBuilder<Database & { p: Database['papers'] }, 'p'>;

/** The filter conditions on a query whose papers table is aliased `p`. */
export function filterCondition(eb: Eb, f: SearchFilters) {
  const conds = [eb('p.hidden', '=', 0)];
  if (f.from) conds.push(eb('p.published_at', '>=', `${f.from}T00:00:00.000Z`));
  if (f.to) conds.push(eb('p.published_at', '<', `${f.to}T99`)); // any instant of that day sorts below "T99"
  if (f.category) conds.push(eb('p.categories', 'like', `%${JSON.stringify(f.category).replace(/[%_\\]/g, '\\$&')}%`));
  if (f.hasCode) conds.push(eb('p.github_repo', 'is not', null));
  if (f.organization) {
    const name = f.organization;
    conds.push(eb('p.organization_id', 'in', eb.selectFrom('organizations as fo').select('fo.id').where('fo.name', '=', name)));
  }
  if (f.onList) {
    conds.push(
      eb.exists(eb.selectFrom('daily_entries as fe').select('fe.id').whereRef('fe.paper_id', '=', 'p.id').where('fe.hidden', '=', 0)),
    );
  }
  return eb.and(conds);
}

/** Keeps the ids (in their order) of papers that pass the filters. */
export async function filterIds(db: Kysely<Database>, ids: string[], f: SearchFilters): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('papers as p')
    .select('p.id')
    .where('p.id', 'in', ids)
    .where((eb) => filterCondition(eb as unknown as Eb, f))
    .execute();
  const ok = new Set(rows.map((r) => r.id));
  return ids.filter((id) => ok.has(id));
}
