// Expected failures of the command line, run as an operator would: one clear line and a hint, exit status
// 1 or 2, and no stack trace unless --debug (or LOG_LEVEL=debug) asks for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, EXIT_FAILURE } from '../../src/cli/failure.ts';
import { openStore } from '../../src/db/connection.ts';
import { VERSION } from '../../src/version.ts';
import { runFolio } from '../support/cli.ts';
import { adminQuery, createTestDatabase, FIXTURES, postgresMissing } from '../support/store.ts';

const STACK = /^\s+at .+:\d+:\d+\)?$/m;
const DAY = join(FIXTURES, 'hf-daily', '2026-06-02.json');

let dir: string;
let base: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'folio-fail-'));
  base = { PATH: process.env.PATH, FOLIO_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The lines a failure printed, without empty ones. */
const lines = (s: string) => s.split('\n').filter((l) => l.trim());

describe('the command line fails calmly', () => {
  it('prints its version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runFolio([flag], base);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(VERSION);
    }
  });

  it('refuses bad arguments and unknown commands with status 2', async () => {
    const unknown = await runFolio(['serv'], base);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'serv'/);
    expect(unknown.stderr).toMatch(/serve/); // commander suggests the near one
    const limit = await runFolio(['jobs', '--limit', '0'], base);
    expect(limit.code).toBe(2);
    expect(lines(limit.stderr)).toEqual(['folio: --limit must be a whole number from 1 to 1000']);
  });

  it('names every bad setting, one line each, with status 2 and no stack', async () => {
    const r = await runFolio(['jobs'], { ...base, PORT: 'abc', FOLIO_TIMEZONE: '', LOG_FORMAT: 'colourful' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PORT="abc"/);
    expect(r.stderr).toMatch(/LOG_FORMAT="colourful"/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('says a PostgreSQL it cannot reach cannot be reached, with a hint, status 1', async () => {
    const r = await runFolio(['jobs'], { ...base, DATABASE_URL: 'postgres://folio:secret@127.0.0.1:1/folio' });
    expect(r.code).toBe(EXIT_FAILURE);
    const out = lines(r.stderr);
    expect(out[0]).toBe('folio: cannot reach PostgreSQL at 127.0.0.1:1/folio (ECONNREFUSED)');
    expect(out[1]).toMatch(/^ {2}hint: /);
    expect(out).toHaveLength(2);
    expect(r.stderr).not.toContain('secret');
  });

  it('shows the stack trace with --debug, or with LOG_LEVEL=debug', async () => {
    const env = { ...base, DATABASE_URL: 'postgres://folio@127.0.0.1:1/folio' };
    const debug = await runFolio(['--debug', 'jobs'], env);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/cannot reach/);
    expect(debug.stderr).toMatch(STACK);
    const level = await runFolio(['jobs'], { ...env, LOG_LEVEL: 'debug' });
    expect(level.stderr).toMatch(STACK);
  });

  it('says a locked SQLite database is locked, after waiting for it', async () => {
    const data = join(dir, 'locked');
    const store = await openStore(data);
    await store.close();
    const holder = new SQLite(join(data, 'folio.sqlite'));
    holder.pragma('busy_timeout = 0');
    holder.exec('begin immediate');
    try {
      const r = await runFolio(['import', DAY], { ...base, FOLIO_DATA_DIR: data });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the database is locked by another process/);
      expect(r.stderr).toMatch(/hint: wait for the other folio command/);
      expect(r.stderr).not.toMatch(STACK);
    } finally {
      holder.exec('rollback');
      holder.close();
    }
  });

  it('says a data folder it cannot create or write cannot be opened', async () => {
    // A folder inside a file: what a typo in FOLIO_DATA_DIR meets (the tests run as root, who may write anywhere).
    const r = await runFolio(['jobs'], { ...base, FOLIO_DATA_DIR: `${DAY}/data` });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)[0]).toBe(`folio: cannot create the data folder ${DAY}/data (ENOTDIR)`);
    expect(lines(r.stderr)[1]).toMatch(/FOLIO_DATA_DIR must be a folder/);
    // A folder where mkdir can never succeed (Node's recursive mkdir spins for ever on this one).
    const proc = await runFolio(['jobs'], { ...base, FOLIO_DATA_DIR: '/proc/folio-nope/data' });
    expect(proc.code).toBe(1);
    expect(lines(proc.stderr)[0]).toBe('folio: cannot create the data folder /proc/folio-nope/data (ENOENT)');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('names an unforeseen error as such and points to --debug', () => {
    const f = describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')"), { store: 'SQLite in ./data' });
    expect(f.expected).toBe(false);
    expect(f.message).toMatch(/^unexpected error: /);
    expect(f.hint).toMatch(/--debug/);
  });
});

describe('a PostgreSQL without the rights for pgvector', async () => {
  const skip = await postgresMissing();
  const role = `folio_plain_${process.pid}`;
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const admin = adminQuery;
  beforeAll(async () => {
    if (skip) return;
    db = await createTestDatabase();
    await admin(`create role ${role} login`);
    await admin(`alter database ${new URL(db.url).pathname.slice(1)} owner to ${role}`);
  });
  afterAll(async () => {
    if (skip) return;
    await db?.drop();
    await admin(`drop role if exists ${role}`);
  });

  it.skipIf(skip)(`says the extension is missing in one line, and leaves the database as it was ${skip ?? ''}`, async () => {
    const url = new URL(db?.url ?? '');
    url.username = role;
    const r = await runFolio(['jobs'], { ...base, DATABASE_URL: url.toString() });
    expect(r.code).toBe(1);
    const out = lines(r.stderr);
    expect(out[0]).toMatch(/may not create the pgvector extension$/);
    expect(out[1]).toMatch(/hint: run CREATE EXTENSION vector once as a superuser/);
    expect(out).toHaveLength(2);
    // The failing migration (meaning search) was rolled back; the ones before it stay applied.
    const c = new pg.Client({ connectionString: db?.url });
    await c.connect();
    try {
      const applied = (await c.query('select name from kysely_migration order by name')).rows.map((x) => x.name as string);
      expect(applied).toContain('0006_digests');
      expect(applied).not.toContain('0007_search');
      const t = await c.query("select to_regclass('search_indexes') as t");
      expect(t.rows[0].t).toBeNull();
    } finally {
      await c.end();
    }
  });
});
