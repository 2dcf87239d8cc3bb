// The versions of the vector index and the papers each holds (see migrations/0007_search.ts).
// The current index is the latest `ready` row; a build writes a new row and switches to it in one
// transaction that also bumps the data generation, so that cached search pages are dropped.
import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Database, SearchIndexesTable } from '../schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Ids per statement: far below SQLite's limit on bound parameters. */
const CHUNK = 2000;

export type IndexRow = Omit<SearchIndexesTable, 'id' | 'text_model'> & { id: number };

const COLUMNS = [
  'id',
  'provider',
  'model',
  'dims',
  'state',
  'papers',
  'next_key',
  'revision',
  'corpus_size',
  'info',
  'last_error',
  'created_at',
  'ready_at',
] as const;

export async function currentIndex(db: Db): Promise<IndexRow | undefined> {
  return db.selectFrom('search_indexes').select(COLUMNS).where('state', '=', 'ready').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The current index's id and revision: one indexed read, made before every search. */
export async function currentHead(db: Db): Promise<{ id: number; revision: number } | undefined> {
  return db
    .selectFrom('search_indexes')
    .select(['id', 'revision'])
    .where('state', '=', 'ready')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function indexRows(db: Db): Promise<IndexRow[]> {
  return db.selectFrom('search_indexes').select(COLUMNS).orderBy('id', 'desc').execute();
}

export async function textModelBytes(db: Db, id: number): Promise<Uint8Array | null> {
  const r = await db.selectFrom('search_indexes').select('text_model').where('id', '=', id).executeTakeFirst();
  return r?.text_model ?? null;
}

export async function createIndexRow(db: Db, v: { provider: string; model: string; corpusSize: number }): Promise<number> {
  const r = await db
    .insertInto('search_indexes')
    .values({
      provider: v.provider,
      model: v.model,
      dims: 0,
      state: 'building',
      papers: 0,
      next_key: 0,
      revision: 0,
      info: '{}',
      corpus_size: v.corpusSize,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateIndexRow(db: Db, id: number, set: Partial<Omit<SearchIndexesTable, 'id'>>): Promise<void> {
  await db.updateTable('search_indexes').set(set).where('id', '=', id).execute();
}

/** Bumped when what searches return changes without any paper changing (an index switch or addition). */
export async function bumpDataGeneration(db: Db): Promise<void> {
  const next = db.getExecutor().adapter instanceof PostgresAdapter ? sql`(value::bigint + 1)::text` : sql`cast(value as integer) + 1`;
  await sql`update meta set value = ${next} where key = 'data_generation'`.execute(db);
}

/** Makes a built index the current one and retires the others, in one transaction. */
export async function switchTo(db: Kysely<Database>, id: number, set: Partial<Omit<SearchIndexesTable, 'id'>>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('search_indexes').set({ state: 'retired' }).where('state', '=', 'ready').where('id', '!=', id).execute();
    await trx
      .updateTable('search_indexes')
      .set({ ...set, state: 'ready', ready_at: new Date().toISOString(), revision: sql`revision + 1` })
      .where('id', '=', id)
      .execute();
    await bumpDataGeneration(trx);
  });
}

/** Indexes that are no longer used: retired ones, failed ones, and builds that never finished (older than `staleBuildMs`). */
export async function disposableIndexes(db: Db, staleBuildBefore: string): Promise<number[]> {
  const rows = await db
    .selectFrom('search_indexes')
    .select('id')
    .where((eb) =>
      eb.or([eb('state', 'in', ['retired', 'failed']), eb.and([eb('state', '=', 'building'), eb('created_at', '<', staleBuildBefore)])]),
    )
    .execute();
  return rows.map((r) => r.id);
}

export async function deleteIndexRow(db: Kysely<Database>, id: number): Promise<void> {
  // Rows first, in slices: a million deletions in one statement would hold SQLite's write lock for long.
  for (;;) {
    const r = await sql`delete from search_docs where index_id = ${id} and key in
                         (select key from search_docs where index_id = ${id} limit 20000)`.execute(db);
    if (!Number(r.numAffectedRows ?? 0)) break;
  }
  await db.deleteFrom('search_indexes').where('id', '=', id).execute();
}

export async function insertDocs(db: Db, indexId: number, rows: readonly { key: number; paperId: string }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK / 2) {
    const part = rows.slice(i, i + CHUNK / 2);
    await db
      .insertInto('search_docs')
      .values(part.map((r) => ({ index_id: indexId, key: r.key, paper_id: r.paperId })))
      .onConflict((oc) => oc.columns(['index_id', 'key']).doUpdateSet((eb) => ({ paper_id: eb.ref('excluded.paper_id') })))
      .execute();
  }
}

/** Paper ids of keys (unknown keys left out). */
export async function paperIdsOfKeys(db: Db, indexId: number, keys: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await db
      .selectFrom('search_docs')
      .select(['key', 'paper_id'])
      .where('index_id', '=', indexId)
      .where('key', 'in', keys.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.key, r.paper_id);
  }
  return out;
}

export async function keysOfPapers(db: Db, indexId: number, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('search_docs')
      .select(['key', 'paper_id'])
      .where('index_id', '=', indexId)
      .where('paper_id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.paper_id, r.key);
  }
  return out;
}

export interface PaperText {
  id: string;
  title: string;
  abstract: string;
}

/** Papers that the index does not hold yet, oldest rows first. */
export async function papersMissingFrom(db: Db, indexId: number, limit: number): Promise<PaperText[]> {
  return db
    .selectFrom('papers as p')
    .select(['p.id', 'p.title', 'p.abstract'])
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('search_docs as d').select('d.key').whereRef('d.paper_id', '=', 'p.id').where('d.index_id', '=', indexId))),
    )
    .orderBy('p.id')
    .limit(limit)
    .execute();
}

export async function paperTexts(db: Db, ids: readonly string[]): Promise<Map<string, PaperText>> {
  const out = new Map<string, PaperText>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('papers')
      .select(['id', 'title', 'abstract'])
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** Every paper's id, in the order a build walks them. */
export async function allPaperIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('papers').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

export async function corpusSize(db: Db): Promise<number> {
  const r = await db.selectFrom('papers').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---- a lease, so that one process at a time writes an index (two workers, or a worker and the CLI) ----

/** Takes the named lease for `ms` when it is free or expired; says whether it got it. */
export async function acquireLease(db: Kysely<Database>, name: string, owner: string, ms: number): Promise<boolean> {
  const now = new Date();
  const value = `${new Date(now.getTime() + ms).toISOString()} ${owner}`;
  const key = `lease:${name}`;
  const r = await db
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ value })
        .where((eb) => eb.or([eb('meta.value', '<', now.toISOString()), eb('meta.value', 'like', `% ${owner}`)])),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function releaseLease(db: Kysely<Database>, name: string, owner: string): Promise<void> {
  await db.deleteFrom('meta').where('key', '=', `lease:${name}`).where('value', 'like', `% ${owner}`).execute();
}
