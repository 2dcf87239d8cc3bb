// Copying an instance from SQLite to PostgreSQL: every table, resumable after SIGKILL, counts verified,
// and the copy serves the very same API answers.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { migrateStore, mismatches } from '../../src/actions/migrate-store.ts';
import { loadConfig } from '../../src/config.ts';
import { openStore, sqliteFile } from '../../src/db/connection.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { buildApp } from '../../src/web/server.ts';
import { type CliRun, runFolio } from '../support/cli.ts';
import { buildStore, createTestDatabase, SHARED_DATA, type TestStore } from '../support/store.ts';

let source: TestStore;
const DAYS = ['2026-06-01', '2026-06-02', '2026-06-03'];

beforeAll(async () => {
  // The source is always SQLite, whatever store the suite runs on.
  source = await buildStore({ databaseUrl: undefined });
  if (source.store.dialect !== 'sqlite') {
    await source.cleanup();
    source = await buildStore();
  }
  await importFiles(source.store.db, [
    ...DAYS.map((d) => join(SHARED_DATA, 'hf-daily', `${d}.json`)),
    // A month of listings: enough rows that a copy takes a while, to be killed in the middle.
    ...readdirSync(join(SHARED_DATA, 'arxiv-listings', 'daily-arxiv-jsonl'))
      .filter((f) => f.startsWith('2026-06'))
      .map((f) => join(SHARED_DATA, 'arxiv-listings', 'daily-arxiv-jsonl', f)),
  ]);
  await enqueue(source.store.db, 'recompute-trending', {});
}, 120_000);
afterAll(async () => source?.cleanup());

function run(args: string[], killAfterMs?: number): Promise<CliRun> {
  return runFolio(['migrate-store', ...args], { ...process.env, LOG_LEVEL: 'silent' }, killAfterMs);
}

describe('folio migrate-store', () => {
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
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/no SQLite database/);
    const notPg = await run(['--from', `sqlite:${sqliteFile(source.dir)}`, '--to', 'mysql://x']);
    expect(notPg.code).toBe(64);
    expect(notPg.stderr).toMatch(/postgres:\/\//);
  }, 60_000);
});
