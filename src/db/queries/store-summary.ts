// What a store holds, in two numbers an operator recognises: for `folio serve`'s start line and `folio doctor`.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

export interface StoreSummary {
  /** Papers visitors can see. */
  papers: number;
  /** Days that have a daily list. */
  days: number;
}

export async function storeSummary(db: Kysely<Database>): Promise<StoreSummary> {
  const papers = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('hidden', '=', 0)
    .executeTakeFirst();
  const days = await sql<{ n: string | number }>`select count(distinct day) as n from daily_entries`.execute(db);
  return { papers: Number(papers?.n ?? 0), days: Number(days.rows[0]?.n ?? 0) };
}
