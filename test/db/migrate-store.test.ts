// Copying an instance from SQLite to PostgreSQL: every table, resumable after SIGKILL, counts verified,
// and the copy serves the very same API answers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { migrateStore, mismatches } from '../../src/actions/migrate-store.ts';
import { loadConfig } from '../../src/config.ts';
import { openStore, sqliteFile } from '../../src/db/connection.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { buildApp } from '../../src/web/server.ts';
import { type CliRun, runFolio } from '../support/cli.ts';
import { buildStore, createTestDatabase, FIXTURES, postgresMissing, type TestStore } from '../support/store.ts';

let source: TestStore;
const DAYS = ['2026-06-01', '2026-06-02', '2026-06-03'];

// The target is a PostgreSQL database, whatever store the rest of the suite runs on.
const NO_PG = await postgresMissing();

beforeAll(async () => {
  if (NO_PG) return;
  // The source is always SQLite, whatever store the suite runs on.
  source = await buildStore({ databaseUrl: undefined });
  if (source.store.dialect !== 'sqlite') {
    await source.cleanup();
    source = await buildStore();
  }
  await importFiles(source.store.db, [
    ...DAYS.map((d) => join(FIXTURES, 'hf-daily', `${d}.json`)),
    join(FIXTURES, 'arxiv-listings'),
    // Enough rows that a copy takes a while, to be killed in the middle: the fixtures' listing records
    // again under new ids, as a month of listings would hold.
    volumeListing(source.dir, 12_000),
  ]);
  await enqueue(source.store.db, 'recompute-trending', {});
}, 120_000);
afterAll(async () => source?.cleanup());

/** A listings file of `n` papers: the fixture listing's records, repeated under ids 2601.00001, ... */
function volumeListing(dir: string, n: number): string {
  const records = gunzipSync(readFileSync(join(FIXTURES, 'arxiv-listings', 'daily-arxiv-jsonl', '2026-06-01.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ ...records[i % records.length], id: `2601.${String(i + 1).padStart(5, '0')}` }),
  );
  const file = join(dir, '2026-01-05.jsonl.gz');
  writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
  return file;
}

function run(args: string[], killAfterMs?: number): Promise<CliRun> {
  return runFolio(['migrate-store', ...args], { ...process.env, LOG_LEVEL: 'silent' }, killAfterMs);
}

describe.skipIf(NO_PG)(`folio migrate-store ${NO_PG ?? ''}`, () => {
  it('copies every table, and the copy answers the API exactly as the original', async () => {
    const target = await createTestDatabase();
    try {
      const reports = await migrateStore(sqliteFile(source.dir), target.url);
      expect(mismatches(reports)).toEqual([]);
      const tables = reports.map((r) => r.table);
      for (const t of ['users', 'organizations', 'papers', 'authors', 'daily_entries', 'jobs']) expect(tables).toContain(t);
      expect(tables.indexOf('papers')).toBeGreaterThan(tables.indexOf('organizations'));
      expect(tables.indexOf('authors')).toBeGreaterThan(tables.indexOf('papers'));
      expect(reports.find((r) => r.table === 'papers')?.target).toBeGreaterThan(5000);

      const pgStore = await openStore('', target.url);
      const config = loadConfig({}, { dataDir: source.dir, logLevel: 'silent', demo: '0' });
      const a = await buildApp(config, source.store, { logger: false });
      const b = await buildApp(config, pgStore, { logger: false });
      try {
        for (const url of [
          '/api/daily_papers?date=2026-06-02&limit=100',
          '/api/daily_papers?week=2026-W23&limit=100',
          '/api/papers?limit=100',
        ]) {
          const [ra, rb] = [await a.inject({ method: 'GET', url }), await b.inject({ method: 'GET', url })];
          expect(rb.statusCode).toBe(200);
          expect(rb.json(), url).toEqual(ra.json());
        }
        // New rows get fresh ids after the copied ones.
        const id = await enqueue(pgStore.db, 'recompute-trending', {}, { uniqueKey: 'after-copy' });
        expect(id).toBeGreaterThan(1);
      } finally {
        await a.close();
        await b.close();
        await pgStore.close();
      }
    } finally {
      await target.drop();
    }
  }, 180_000);

  it('resumes after being killed, without doubling a row', async () => {
    const target = await createTestDatabase();
    try {
      const args = ['--from', `sqlite:${sqliteFile(source.dir)}`, '--to', target.url];
      let kills = 0;
      let r = await run(args, 3000);
      while (r.signal === 'SIGKILL' && kills < 3) {
        kills++;
        r = await run(args, 3000 + kills * 1000);
      }
      if (r.code !== 0) r = await run(args);
      expect(kills, 'the copy was killed at least once').toBeGreaterThan(0);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/every row count matches/);
    } finally {
      await target.drop();
    }
  }, 180_000);

  it('refuses a missing source or a target that is not PostgreSQL', async () => {
    const missing = await run(['--from', 'sqlite:/nonexistent/folio.sqlite', '--to', 'postgres://postgres@127.0.0.1:5432/x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no SQLite database/);
    const notPg = await run(['--from', `sqlite:${sqliteFile(source.dir)}`, '--to', 'mysql://x']);
    expect(notPg.code).toBe(2);
    expect(notPg.stderr).toMatch(/postgres:\/\//);
  }, 60_000);
});
