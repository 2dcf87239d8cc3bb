// Backups taken while votes are being written restore to a consistent instance that holds every write
// acknowledged before the backup finished (SQLite) or began (PostgreSQL's snapshot); bad files are
// refused and change nothing.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, backup, restore } from '../../src/actions/backup.ts';
import { importFiles } from '../../src/actions/import-files.ts';
import type { Store } from '../../src/db/connection.ts';
import { openStore, sqliteFile } from '../../src/db/connection.ts';
import { buildStore, createTestDatabase, FIXTURES, type TestStore } from '../support/store.ts';

let t: TestStore;
let papers: string[] = [];

beforeAll(async () => {
  t = await buildStore();
  await importFiles(t.store.db, [
    join(FIXTURES, 'hf-daily', '2026-06-02.json'),
    join(FIXTURES, 'arxiv-listings', 'daily-arxiv-jsonl', '2026-06-01.jsonl.gz'),
  ]);
  papers = (await t.store.db.selectFrom('papers').select('id').orderBy('id').limit(50).execute()).map((r) => r.id);
}, 60_000);
afterAll(async () => t?.cleanup());

/** A vote as the product casts it: the row and the counter in one transaction. */
async function vote(store: Store, userId: number, paperId: string): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('votes').values({ user_id: userId, paper_id: paperId, created_at: new Date().toISOString() }).execute();
    await trx
      .updateTable('papers')
      .set((eb) => ({ local_upvotes: eb('local_upvotes', '+', 1) }))
      .where('id', '=', paperId)
      .execute();
  });
}

async function consistent(store: Store): Promise<void> {
  const bad = await sql<{ id: string }>`select p.id from papers p
      where p.local_upvotes <> (select count(*) from votes v where v.paper_id = p.id)`.execute(store.db);
  expect(bad.rows).toEqual([]);
}

async function voters(store: Store, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await store.db
      .insertInto('users')
      .values({
        username: `voter-${Date.now()}-${i}-${Math.random().toString(36).slice(2, 6)}`,
        is_pro: 0,
        created_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(r.id);
  }
  return ids;
}

describe('backup under write load', () => {
  it('restores every acknowledged write, consistently', async () => {
    const users = await voters(t.store, 40);
    const acknowledged: string[] = [];
    let writing = true;
    let startedAt = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const u = users[i % users.length] as number;
        const p = papers[Math.floor(i / users.length) % papers.length] as string;
        try {
          await vote(t.store, u, p);
          acknowledged.push(`${u}:${p}:${performance.now()}`);
        } catch {
          // A duplicate vote after wrapping around: refused, not acknowledged.
        }
        if (i % 20 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const file = join(t.dir, 'backup.bin');
    startedAt = performance.now();
    await backup(t.store, file);
    const finishedAt = performance.now();
    await new Promise((r) => setTimeout(r, 100));
    writing = false;
    await writer;
    expect(acknowledged.length).toBeGreaterThan(50);

    // Restore into a fresh place and look.
    const target = t.store.dialect === 'sqlite' ? await buildStore({ databaseUrl: undefined }) : undefined;
    const pgTarget = t.store.dialect === 'postgres' ? await createTestDatabase() : undefined;
    try {
      if (target) {
        await target.store.close();
        await restore({ dialect: 'sqlite', path: sqliteFile(target.dir) }, file);
      } else await restore({ dialect: 'postgres', url: (pgTarget as { url: string }).url }, file);
      const restored = await openStore(target?.dir ?? '', pgTarget?.url);
      try {
        await consistent(restored);
        const have = new Set(
          (await restored.db.selectFrom('votes').select(['user_id', 'paper_id']).execute()).map((v) => `${v.user_id}:${v.paper_id}`),
        );
        // SQLite's backup includes writes made on its connection until it finishes; pg_dump sees its start.
        const horizon = t.store.dialect === 'sqlite' ? finishedAt : startedAt;
        const mustHave = acknowledged.filter((a) => Number(a.split(':')[2]) < horizon).map((a) => a.split(':').slice(0, 2).join(':'));
        expect(mustHave.length).toBeGreaterThan(0);
        for (const w of mustHave) expect(have.has(w), w).toBe(true);
      } finally {
        await restored.close();
      }
    } finally {
      await pgTarget?.drop();
      if (target) target.store = await openStore(target.dir);
      await target?.cleanup();
    }
  }, 120_000);
});

describe('restore refuses what is not a backup', () => {
  it.each([
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    ['a text file', Buffer.from('hello, this is not a database\n')],
    ['an empty file', Buffer.alloc(0)],
  ])('refuses %s and leaves the instance as it was', async (_name, bytes) => {
    const file = join(t.dir, 'bad.bin');
    writeFileSync(file, bytes);
    const before = await t.store.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const target =
      t.store.dialect === 'sqlite'
        ? { dialect: 'sqlite' as const, path: join(t.dir, 'restored.sqlite') }
        : { dialect: 'postgres' as const, url: t.config.databaseUrl as string };
    await expect(restore(target, file)).rejects.toThrow(BackupError);
    const after = await t.store.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses a SQLite database that is not Folio, and a missing file', async () => {
    const other = join(t.dir, 'other.sqlite');
    const db = new (await import('better-sqlite3')).default(other);
    db.exec('create table x (a)');
    db.close();
    await expect(restore({ dialect: 'sqlite', path: join(t.dir, 'r.sqlite') }, other)).rejects.toThrow(/not a Folio one/);
    await expect(restore({ dialect: 'sqlite', path: join(t.dir, 'r.sqlite') }, join(t.dir, 'nope.bin'))).rejects.toThrow(/no such file/);
  });

  it('the command says what is wrong and exits 2 (usage)', () => {
    const file = join(t.dir, 'junk.bin');
    writeFileSync(file, 'junk');
    const r = spawnSync(process.execPath, ['bin/folio.js', 'restore', file], { env: t.env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/folio: .*not a (SQLite backup|PostgreSQL dump)/);
  });
});
