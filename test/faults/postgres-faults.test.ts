// PostgreSQL faults with real processes: backends terminated under load (pg_terminate_backend, as a
// restart, a failover or a proxy's idle timeout would), a database that refuses connections for a while,
// and two web processes starting together on an empty database. Before, the first killed every process
// (an 'error' event from pg-pool's idle clients that nobody listened to), and the last lost a race on
// `papers_pkey` in 5 of 6 attempts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/connection.ts';
import { addPaper, apiToken, makeMember } from '../support/members.ts';
import { inParallel, readyStatus, type ServeProc, startServe, waitReady } from '../support/serve.ts';
import { createTestDatabase, PG_ADMIN_URL, postgresMissing } from '../support/store.ts';

const NO_PG = await postgresMissing();
const describePg = (name: string, fn: () => void) => (NO_PG ? describe.skip(`${name} ${NO_PG}`, fn) : describe(name, fn));

/** Rounds of terminating every backend of the database while the load runs. */
const TERMINATIONS = 4;
const PAPER = '2601.00001';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function admin<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}

const terminateAll = (db: string) =>
  admin<{ n: number }>(
    'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [db],
  );

function env(url: string, dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: url,
    FOLIO_DATA_DIR: dir,
    FOLIO_DEMO: '0',
    FOLIO_RATE_LIMIT_SCALE: '0',
    FOLIO_ARXIV_SETS: 'none',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function freshDatabase(): Promise<{ url: string; name: string; dir: string }> {
  const database = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'folio-pgfault-'));
  cleanups.push(async () => {
    await admin(`alter database ${new URL(database.url).pathname.slice(1)} with allow_connections true`).catch(() => {});
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: database.url, name: new URL(database.url).pathname.slice(1), dir };
}

function track(s: ServeProc): ServeProc {
  cleanups.push(() => s.stop());
  return s;
}

const alive = (s: ServeProc) => s.proc.exitCode === null && s.proc.signalCode === null;

describePg('PostgreSQL connections lost under load', () => {
  it('terminated backends: no process exits, and /readyz answers 503 while the database refuses connections, 200 after', async () => {
    const { url, name, dir } = await freshDatabase();
    const store = await openStore(dir, url);
    await addPaper(store, { id: PAPER, day: '2026-01-05' });
    const token = await apiToken(store, (await makeMember(store)).id);
    await store.close();

    const web = track(await startServe(env(url, dir, { FOLIO_WORKER: '0' }), ['--role', 'web']));
    const worker = track(await startServe(env(url, dir), ['--role', 'all']));
    await Promise.all([waitReady(web), waitReady(worker)]);

    // Load: pages and writes on both processes, while every backend is terminated now and then.
    let stop = false;
    const statuses: number[] = [];
    const load = inParallel(8, 8, async (lane) => {
      const base = lane % 2 ? worker.base : web.base;
      for (let i = 0; !stop; i++) {
        const r =
          lane % 4 < 2
            ? await fetch(`${base}/papers/${PAPER}`).catch(() => undefined)
            : await fetch(`${base}/api/papers/${PAPER}/comments`, {
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body: JSON.stringify({ body: `comment ${lane}-${i}` }),
              }).catch(() => undefined);
        await r?.arrayBuffer();
        statuses.push(r?.status ?? 0);
      }
    });
    let terminated = 0;
    for (let round = 0; round < TERMINATIONS; round++) {
      await sleep(700);
      terminated += (await terminateAll(name)).rows[0]?.n ?? 0;
    }
    await sleep(1500);
    stop = true;
    await load;
    expect(terminated).toBeGreaterThan(0);
    expect(alive(web)).toBe(true);
    expect(alive(worker)).toBe(true);
    // A request whose query was on a terminated backend may fail, as 503 (try again), never as a crash.
    expect(statuses.filter((s) => s !== 200 && s !== 201 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 200 || s === 201).length).toBeGreaterThan(statuses.length / 2);
    expect(web.output()).not.toMatch(/Unhandled 'error' event/);
    expect(await readyStatus(web.base)).toBe(200);

    // The database goes away (refuses connections) and comes back.
    await admin(`alter database ${name} with allow_connections false`);
    await terminateAll(name);
    await expect.poll(() => readyStatus(web.base), { timeout: 20_000, interval: 250 }).toBe(503);
    await expect.poll(() => readyStatus(worker.base), { timeout: 20_000, interval: 250 }).toBe(503);
    await sleep(2000);
    expect(alive(web)).toBe(true);
    expect(alive(worker)).toBe(true);
    await admin(`alter database ${name} with allow_connections true`);
    await expect.poll(() => readyStatus(web.base), { timeout: 20_000, interval: 250 }).toBe(200);
    await expect.poll(() => readyStatus(worker.base), { timeout: 20_000, interval: 250 }).toBe(200);
    const after = await fetch(`${web.base}/api/papers/${PAPER}/comments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'after the database came back' }),
    });
    expect(after.status).toBe(201);
  }, 240_000);
});

describePg('a cluster starting together', () => {
  it('two web processes started at once on an empty database both start, and the demo is loaded once', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const { url, dir } = await freshDatabase();
      const e = env(url, dir, { FOLIO_DEMO: '1', FOLIO_WORKER: '0', LOG_LEVEL: 'info' });
      const [a, b] = [track(await startServe(e, ['--role', 'web'])), track(await startServe(e, ['--role', 'web']))] as [
        ServeProc,
        ServeProc,
      ];
      await Promise.all([waitReady(a, 180_000), waitReady(b, 180_000)]);
      expect(a.output() + b.output()).not.toMatch(/duplicate key|papers_pkey/);
      const loaded = (a.output() + b.output()).match(/first start: demo data loaded/g) ?? [];
      expect(loaded.length).toBe(1);
      const store = await openStore(dir, url);
      const jobs = await store.db.selectFrom('jobs').select('kind').where('state', '=', 'queued').execute();
      await store.close();
      // Queued once, not once per process.
      expect(jobs.length).toBe(new Set(jobs.map((j) => j.kind)).size);
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 400_000);
});
