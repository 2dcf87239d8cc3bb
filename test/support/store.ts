// Test factories: a fresh store (SQLite in a temporary folder, or, when FOLIO_TEST_PG_URL is set, a
// freshly created PostgreSQL database that is dropped afterwards), and an app built on it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/config.ts';
import { openStore, type Store } from '../../src/db/connection.ts';
import { buildApp } from '../../src/web/server.ts';

export { describeShared, FIXTURES, SHARED_DATA, sharedData } from './shared-data.ts';

/**
 * The PostgreSQL server to run the suite against, as an admin URL (e.g.
 * postgres://postgres@127.0.0.1:5432/postgres); unset: the suite runs on SQLite.
 */
export const TEST_PG_URL = process.env.FOLIO_TEST_PG_URL;

/** The PostgreSQL server for tests that need one whatever store the suite runs on. */
export const PG_ADMIN_URL = TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStore {
  store: Store;
  dir: string;
  config: Config;
  /** Environment for child processes (`folio ...`) that must open this same store. */
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** Runs one statement on the PostgreSQL server as its admin (create or drop databases and roles). */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function waitForNoConnections(database: string, ms = 2000): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    for (const start = Date.now(); Date.now() - start < ms; ) {
      const r = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [database]);
      if (r.rows[0]?.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

/**
 * Why the PostgreSQL that cluster and copy tests need (whatever store the suite runs on) cannot be used
 * here, or undefined when it can. When the suite itself runs on PostgreSQL (FOLIO_TEST_PG_URL), there is
 * no excuse: the tests run and fail loudly instead.
 */
export async function postgresMissing(): Promise<string | undefined> {
  if (TEST_PG_URL) return undefined;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const r = await client.query("select 1 from pg_available_extensions where name = 'vector'");
    if (r.rowCount === 0) return '(skipped: PostgreSQL has no pgvector; scripts/build-pgvector.sh installs it)';
    return undefined;
  } catch {
    return `(skipped: no PostgreSQL at ${new URL(PG_ADMIN_URL).host}; set FOLIO_TEST_PG_URL to one)`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates an empty PostgreSQL database; returns its URL and how to drop it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `folio_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      // pg's pool.end() resolves before its clients' sockets are closed; a forced drop that catches one
      // still closing makes it emit an error nobody listens to. Wait (briefly) until they are gone.
      await waitForNoConnections(name);
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

export async function buildStore(overrides: Partial<Record<keyof Config, unknown>> = {}): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-test-'));
  const database = TEST_PG_URL ? await createTestDatabase() : undefined;
  const config = loadConfig(
    {},
    { dataDir: dir, demo: '0', logLevel: 'silent', ...(database ? { databaseUrl: database.url } : {}), ...overrides },
  );
  const store = await openStore(dir, config.databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env, FOLIO_DATA_DIR: dir, LOG_LEVEL: 'silent' };
  if (database) env.DATABASE_URL = database.url;
  else delete env.DATABASE_URL;
  return {
    store,
    dir,
    config,
    env,
    cleanup: async () => {
      await store.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestApp extends TestStore {
  app: FastifyInstance;
}

export async function buildTestApp(overrides: Partial<Record<keyof Config, unknown>> = {}): Promise<TestApp> {
  const t = await buildStore(overrides);
  const app = await buildApp(t.config, t.store, { logger: false });
  return {
    ...t,
    app,
    cleanup: async () => {
      await app.close();
      await t.cleanup();
    },
  };
}
