// A SQLite file damaged while the server runs (garbage written over its middle, as a failing disk or a
// stray copy would): the pages that meet it answer the site's 500 page, the log says once per request
// in one line which file is damaged and how to fix it (no stack), and /readyz answers 503 from then on.
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { sqliteFile } from '../../src/db/connection.ts';
import { buildApp } from '../../src/web/server.ts';
import { buildStore, FIXTURES, TEST_PG_URL, type TestStore } from '../support/store.ts';

let t: TestStore;
let app: FastifyInstance;
const lines: string[] = [];

describe.skipIf(TEST_PG_URL)('a SQLite file damaged while serving', () => {
  beforeAll(async () => {
    t = await buildStore();
    await importFiles(t.store.db, [join(FIXTURES, 'hf-daily')]);
    app = await buildApp({ ...t.config, logLevel: 'info', logFormat: 'pretty' }, t.store);
    // The app's logger writes one line per entry to stdout: keep them to read what an operator would see.
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it('says which file is damaged in one line, answers 500 pages, and /readyz 503', async () => {
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const file = sqliteFile(t.dir);
    const size = statSync(file).size;
    // Garbage over everything but the header page, so whatever a page reads next is damaged; the
    // connection's page cache is dropped so the next query reads the file.
    const fd = openSync(file, 'r+');
    const junk = Buffer.alloc(4096, 0xa5);
    for (let at = 4096; at < size; at += junk.length) writeSync(fd, junk, 0, junk.length, at);
    closeSync(fd);
    await sql`pragma shrink_memory`.execute(t.store.db);
    const statuses: number[] = [];
    for (const url of ['/papers?date=2026-06-02', '/papers/week', '/api/daily_papers?date=2026-06-01', '/papers/trending']) {
      const r = await app.inject({ url });
      statuses.push(r.statusCode);
      if (r.statusCode === 500) expect(r.body).not.toMatch(/SQLITE_|at .*\.ts:\d+/);
    }
    expect(statuses).toContain(500);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error).toContain(file);
    const damagedLines = lines.filter((l) => l.includes('is damaged'));
    expect(damagedLines.length).toBeGreaterThan(0);
    for (const l of damagedLines) {
      expect(l.trimEnd().split('\n')).toHaveLength(1);
      expect(l).toMatch(
        /ERROR: .*folio\.sqlite is damaged \(SQLITE_(CORRUPT|NOTADB)\w*\): restore it from a backup \(folio restore FILE\)/,
      );
      expect(l).not.toMatch(/stack|SqliteError/);
    }
  });
});
