// What the admin dashboard shows: weekly counts over the last months, job and harvest status. Counts are
// grouped by day in SQL (the same on both dialects: instants are ISO text) and folded into ISO weeks here.
import { type Kysely, sql } from 'kysely';
import { dayString, weekKeyOf } from '../../domain/periods.ts';
import type { Database } from '../schema.ts';

/** Weeks shown in the dashboard's charts. */
export const DASHBOARD_WEEKS = 26;

export interface WeeklySeries {
  label: string;
  /** One value per week, oldest first, with the weeks' keys (`2026-W23`). */
  weeks: { key: string; value: number }[];
  total: number;
}

function weekKeys(now: Date): string[] {
  const keys: string[] = [];
  for (let i = DASHBOARD_WEEKS - 1; i >= 0; i--) {
    const key = weekKeyOf(dayString(new Date(now.getTime() - i * 7 * 86_400_000)));
    if (keys[keys.length - 1] !== key) keys.push(key);
  }
  return keys;
}

async function perDay(db: Kysely<Database>, table: string, column: string, since: string): Promise<Map<string, number>> {
  const rows = await sql<{ d: string; n: string | number }>`select substr(${sql.ref(column)}, 1, 10) as d, count(*) as n
      from ${sql.table(table)} where ${sql.ref(column)} >= ${since} group by substr(${sql.ref(column)}, 1, 10)`.execute(db);
  return new Map(rows.rows.map((r) => [r.d, Number(r.n)]));
}

async function total(db: Kysely<Database>, table: string): Promise<number> {
  const r = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

async function tableExists(db: Kysely<Database>, table: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === table);
}

/** Weekly series of what was added: papers, members, votes, comments and (once digests exist) subscribers. */
export async function weeklyGrowth(db: Kysely<Database>, now = new Date()): Promise<WeeklySeries[]> {
  const keys = weekKeys(now);
  const since = `${dayString(new Date(now.getTime() - (DASHBOARD_WEEKS * 7 + 7) * 86_400_000))}`;
  const sources: [string, string, string][] = [
    ['Papers added', 'papers', 'created_at'],
    ['Members joined', 'accounts', 'created_at'],
    ['Upvotes cast', 'votes', 'created_at'],
    ['Comments', 'comments', 'created_at'],
    ['Digest subscribers', 'subscriptions', 'created_at'],
  ];
  const out: WeeklySeries[] = [];
  for (const [label, table, column] of sources) {
    if (!(await tableExists(db, table))) continue;
    const days = await perDay(db, table, column, since);
    const byWeek = new Map<string, number>();
    for (const [d, n] of days) byWeek.set(weekKeyOf(d), (byWeek.get(weekKeyOf(d)) ?? 0) + n);
    out.push({ label, weeks: keys.map((key) => ({ key, value: byWeek.get(key) ?? 0 })), total: await total(db, table) });
  }
  return out;
}

export interface JobStatusRow {
  kind: string;
  state: string;
  n: number;
}

export async function jobStatus(db: Kysely<Database>) {
  const counts = await db
    .selectFrom('jobs')
    .select(['kind', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['kind', 'state'])
    .orderBy('kind')
    .execute();
  const recent = await db
    .selectFrom('jobs')
    .select(['id', 'kind', 'state', 'due_at', 'attempts', 'max_attempts', 'last_error', 'finished_at'])
    .orderBy('id', 'desc')
    .limit(10)
    .execute();
  return { counts: counts.map((c) => ({ ...c, n: Number(c.n) })), recent };
}

export async function harvestStatus(db: Kysely<Database>) {
  return db
    .selectFrom('harvests')
    .select([
      'id',
      'set_spec',
      'from_day',
      'until_day',
      'status',
      'pages',
      'records',
      'new_papers',
      'updated_papers',
      'skipped',
      'last_error',
      'started_at',
      'updated_at',
    ])
    .orderBy('id', 'desc')
    .limit(8)
    .execute();
}

export async function outboxStatus(db: Kysely<Database>): Promise<{ pending: number; sent: number }> {
  const pending = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirst();
  const sent = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'sent')
    .executeTakeFirst();
  return { pending: Number(pending?.n ?? 0), sent: Number(sent?.n ?? 0) };
}
