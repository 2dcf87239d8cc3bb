// `folio doctor` on healthy and broken deployments: real stores, a real SMTP server (and a port where none
// listens), and the rules it judges by.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/doctor.ts';
import {
  baseUrlCheck,
  type Check,
  DISK_FAIL_BYTES,
  DISK_WARN_BYTES,
  diskCheck,
  exitCodeOf,
  formatReport,
  nodeCheck,
  SUPPORTED_NODE_RANGE,
} from '../../src/cli/doctor-rules.ts';
import { runFolio } from '../support/cli.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { buildStore, createTestDatabase, FIXTURES, postgresMissing, type TestStore } from '../support/store.ts';

const byName = (checks: Check[], name: string) => checks.filter((c) => c.name === name);
const one = (checks: Check[], name: string) => {
  const found = byName(checks, name);
  expect(found, name).toHaveLength(1);
  return found[0] as Check;
};

describe('the rules of folio doctor', () => {
  it('supports exactly the Node.js versions package.json declares', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe(SUPPORTED_NODE_RANGE);
    expect(nodeCheck('v20.18.3', '2026-01-01').status).toBe('fail');
    expect(nodeCheck('v22.11.0', '2026-01-01').status).toBe('fail');
    expect(nodeCheck('v18.20.0', '2026-01-01').status).toBe('fail');
    expect(nodeCheck('v20.19.0', '2026-04-29').status).toBe('ok');
    expect(nodeCheck('v20.19.0', '2026-04-30')).toMatchObject({ status: 'warn', fix: expect.stringMatching(/Node.js 24/) });
    expect(nodeCheck('v22.12.0', '2026-12-03').status).toBe('ok');
    expect(nodeCheck('v24.22.3', '2026-12-03')).toEqual({ name: 'Node.js', status: 'ok', detail: 'v24.22.3, the current LTS' });
  });

  it('judges free disk space and the base URL', () => {
    expect(diskCheck(DISK_FAIL_BYTES - 1, '/d').status).toBe('fail');
    expect(diskCheck(DISK_WARN_BYTES - 1, '/d').status).toBe('warn');
    expect(diskCheck(DISK_WARN_BYTES, '/d').status).toBe('ok');
    expect(baseUrlCheck(undefined, 'http://localhost:3000').status).toBe('warn');
    expect(baseUrlCheck('http://papers.example.org', 'http://papers.example.org').status).toBe('warn');
    expect(baseUrlCheck('http://127.0.0.1:3000', 'http://127.0.0.1:3000').status).toBe('ok');
    expect(baseUrlCheck('https://papers.example.org', 'https://papers.example.org').status).toBe('ok');
  });

  it('prints one line per check, what to fix under it, and a count', () => {
    const checks: Check[] = [
      { name: 'store', status: 'ok', detail: 'answers' },
      { name: 'SMTP', status: 'fail', detail: 'refused', fix: 'start it' },
    ];
    expect(formatReport('T', checks)).toBe(
      'T\nok    store  answers\nFAIL  SMTP   refused\n             fix: start it\n2 checks: 1 ok, 0 to look at, 1 to fix\n',
    );
    expect(exitCodeOf(checks)).toBe(1);
    expect(exitCodeOf(checks.slice(0, 1))).toBe(0);
  });
});

describe('folio doctor on SQLite', () => {
  let t: TestStore;
  let smtp: TestSmtp;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await buildStore({ databaseUrl: undefined });
    smtp = await startSmtp();
    env = { PATH: process.env.PATH, FOLIO_DATA_DIR: t.dir, FOLIO_SMTP_URL: smtp.url, FOLIO_BASE_URL: 'https://papers.example.org' };
  });
  afterAll(async () => {
    await smtp.close();
    await t.cleanup();
  });

  it('finds a healthy deployment healthy, and exits 0', async () => {
    const checks = await runDoctor({ env, today: '2026-01-01' });
    expect(checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'Node.js',
      'settings',
      'store',
      'migrations',
      'pgvector',
      'SMTP',
      'data folder',
      'disk space',
      'base URL',
    ]);
    expect(one(checks, 'store').detail).toMatch(/answers \(0 papers, 0 daily lists\)$/);
    expect(one(checks, 'SMTP').detail).toBe(`smtp://127.0.0.1:${smtp.port} answers and accepts the login`);
    expect(smtp.received).toHaveLength(0); // it checked, and sent nothing
    const run = await runFolio(['doctor'], env);
    expect(run.stdout).toMatch(/^Folio .*: checking this deployment\n/);
    expect(run.stdout).toMatch(/\n9 checks: [89] ok/);
    // On Node.js 20 the only remark is its end of life; on 24 there is none.
    expect(run.code).toBe(0);
  });

  it('counts what the store holds', async () => {
    const { importFiles } = await import('../../src/actions/import-files.ts');
    await importFiles(t.store.db, [join(FIXTURES, 'hf-daily', '2026-06-02.json')]);
    const checks = await runDoctor({ env });
    expect(one(checks, 'store').detail).toMatch(/answers \([1-9]\d* papers, 1 daily lists\)$/);
  });

  it('says which migrations are pending, and when a newer Folio migrated the store', async () => {
    const raw = new SQLite(join(t.dir, 'folio.sqlite'));
    try {
      const row = raw.prepare("select name, timestamp from kysely_migration where name = '0007_search'").get() as {
        name: string;
        timestamp: string;
      };
      raw.prepare("delete from kysely_migration where name = '0007_search'").run();
      expect(one(await runDoctor({ env }), 'migrations')).toMatchObject({ status: 'warn', detail: '1 pending: 0007_search' });
      raw.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run(row.name, row.timestamp);
      raw.prepare("insert into kysely_migration (name, timestamp) values ('9999_from_the_future', 'x')").run();
      const future = one(await runDoctor({ env }), 'migrations');
      expect(future).toMatchObject({ status: 'fail', detail: expect.stringMatching(/newer Folio \(9999_from_the_future\)/) });
    } finally {
      raw.prepare("delete from kysely_migration where name = '9999_from_the_future'").run();
      raw.close();
    }
  });

  it('finds a broken deployment broken, says what to fix, and exits 1', async () => {
    const down = await startSmtp();
    const port = down.port;
    await down.close();
    const damaged = join(t.dir, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'folio.sqlite'), 'not a database, but the start of a text file that was copied over it\n'.repeat(100));
    const broken = {
      ...env,
      FOLIO_DATA_DIR: damaged,
      FOLIO_SMTP_URL: `smtp://127.0.0.1:${port}`,
      FOLIO_BASE_URL: 'http://papers.example.org',
    };
    const checks = await runDoctor({ env: broken, smtpTimeoutMs: 2000 });
    expect(one(checks, 'store')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/damaged or is not a SQLite database/) });
    expect(one(checks, 'SMTP')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/ECONNREFUSED/) });
    expect(one(checks, 'base URL')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/plain http/) });
    for (const c of checks.filter((x) => x.status !== 'ok')) expect(c.fix, c.name).toBeTruthy();
    const run = await runFolio(['doctor'], broken);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}store/);
    expect(run.stdout).toMatch(/ fix: /);
  });

  it('finds a data folder it cannot create', async () => {
    const checks = await runDoctor({ env: { ...env, FOLIO_DATA_DIR: join(FIXTURES, 'hf-daily', '2026-06-02.json', 'data') } });
    expect(one(checks, 'data folder')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/FOLIO_DATA_DIR/) });
    // Permission bits say yes to root everywhere; /proc takes no new folder even so.
    const proc = await runDoctor({ env: { ...env, FOLIO_DATA_DIR: '/proc/folio-data' } });
    expect(one(proc, 'data folder')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/cannot be created in \/proc/) });
  });

  it('stops at bad settings, naming each', async () => {
    const checks = await runDoctor({ env: { ...env, PORT: 'abc', FOLIO_SMTP_URL: 'mail.example.org' } });
    expect(byName(checks, 'settings').map((c) => c.detail.split(':')[0])).toEqual(['PORT="abc"', 'FOLIO_SMTP_URL="mail.example.org"']);
    expect(byName(checks, 'store')).toEqual([]);
    expect(exitCodeOf(checks)).toBe(1);
  });
});

describe('folio doctor on PostgreSQL', async () => {
  const skip = await postgresMissing();
  it.skipIf(skip)(`finds pgvector, the migrations, and an unreachable server ${skip ?? ''}`, async () => {
    const db = await createTestDatabase();
    try {
      const env = { PATH: process.env.PATH, FOLIO_DATA_DIR: '/tmp', DATABASE_URL: db.url };
      const fresh = await runDoctor({ env });
      expect(one(fresh, 'migrations')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^\d+ pending: 0001_initial/) });
      // pgvector is offered by this server, and created by the first start's migration.
      expect(one(fresh, 'pgvector')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/available, not installed/) });
      const { openStore } = await import('../../src/db/connection.ts');
      const store = await openStore('/tmp', db.url);
      await store.close();
      const migrated = await runDoctor({ env });
      expect(one(migrated, 'migrations').status).toBe('ok');
      expect(one(migrated, 'pgvector')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^version [\d.]+ installed$/) });
      const gone = await runDoctor({ env: { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/folio' } });
      expect(one(gone, 'store')).toMatchObject({ status: 'fail', detail: 'cannot reach PostgreSQL at 127.0.0.1:1/folio (ECONNREFUSED)' });
      expect(byName(gone, 'migrations')).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
