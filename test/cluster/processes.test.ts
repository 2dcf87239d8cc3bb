// Several stateless processes on one PostgreSQL database: web processes serve from it, workers share
// its queue. A worker killed mid-job lets another finish the job; a scheduled job runs once per due
// time however many workers tick, and a scheduled digest reaches each subscriber once (real SMTP).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/connection.ts';
import { DIGEST_COMPOSE_JOB } from '../../src/jobs/digest-jobs.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { type ArxivStandin, startArxivStandin } from '../support/arxiv-standin/server.ts';
import { addSubscribers, listPapers, manySubscribers } from '../support/digest.ts';
import { addPaper, apiToken, makeMember } from '../support/members.ts';
import { startSmtp } from '../support/smtp.ts';
import { createTestDatabase, postgresMissing } from '../support/store.ts';

const LEASE_SECONDS = 5;
let standin: ArxivStandin;
let database: { url: string; drop(): Promise<void> };
let store: Store;
let dir: string;
const procs: ChildProcess[] = [];

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: database.url,
    FOLIO_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    FOLIO_DEMO: '0',
    FOLIO_ARXIV_OAI_URL: standin.oaiUrl,
    FOLIO_ARXIV_DELAY: '0.4',
    FOLIO_ARXIV_SETS: 'none',
    FOLIO_JOB_LEASE_SECONDS: String(LEASE_SECONDS),
    ...extra,
  };
}

function start(args: string[], extra: Record<string, string> = {}): ChildProcess {
  const p = spawn(process.execPath, ['bin/folio.js', ...args], { env: env(extra), stdio: 'ignore' });
  procs.push(p);
  return p;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// Several processes share one PostgreSQL database here, whatever store the rest of the suite runs on.
const NO_PG = await postgresMissing();
const describePg = (name: string, fn: () => void) => (NO_PG ? describe.skip(`${name} ${NO_PG}`, fn) : describe(name, fn));

beforeAll(async () => {
  if (NO_PG) return;
  // Small pages, so that the fixture-sized window still takes many requests (0.4 s apart): the kill
  // below lands mid-harvest on any corpus.
  standin = await startArxivStandin({ corpus: 'listings', pageSize: 10 });
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'folio-cluster-'));
  store = await openStore(dir, database.url);
}, 180_000);

afterAll(async () => {
  if (NO_PG) return;
  for (const p of procs) p.kill('SIGKILL');
  await store?.close();
  await database?.drop();
  await standin?.close();
  rmSync(dir, { recursive: true, force: true });
});

describePg('workers sharing one queue', () => {
  it('finishes a job on another worker when the one running it is killed', async () => {
    const jobId = await enqueue(store.db, 'harvest-arxiv', { sets: ['cs'] });
    // No finished harvest yet: the job starts from yesterday; give it a known window instead.
    await store.db
      .insertInto('harvests')
      .values({
        source: 'arxiv-oai',
        endpoint: standin.oaiUrl,
        set_spec: 'cs',
        metadata_prefix: 'arXiv',
        from_day: '2025-06-02',
        until_day: '2025-06-03',
        state: JSON.stringify({
          set: 'cs',
          metadataPrefix: 'arXiv',
          from: '2025-06-02',
          until: '2025-06-03',
          datestampOrdered: true,
          pages: 0,
          records: 0,
          skipped: 0,
          restarts: 0,
          done: false,
        }),
        status: 'running',
        pages: 0,
        records: 0,
        new_papers: 0,
        updated_papers: 0,
        skipped: 0,
        started_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    const a = start(['worker']);
    const claimed = await until(
      'worker A to claim the job',
      async () => {
        const j = await store.db
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', jobId as number)
          .executeTakeFirst();
        return j?.state === 'running' && j.locked_by ? j : undefined;
      },
      120_000,
    );
    // Let it store a page or two, then kill it without warning.
    await until('a stored page', async () => {
      const h = await store.db.selectFrom('harvests').select('pages').executeTakeFirst();
      return (h?.pages ?? 0) >= 2;
    });
    a.kill('SIGKILL');
    const b = start(['worker']);
    const done = await until(
      'worker B to finish the job',
      async () => {
        const j = await store.db
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', jobId as number)
          .executeTakeFirst();
        return j?.state === 'done' ? j : undefined;
      },
      120_000,
    );
    b.kill('SIGKILL');
    expect(done.locked_by).not.toBe(claimed.locked_by);
    expect(done.attempts).toBe(2);
    const ids = (await store.db.selectFrom('papers').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(ids).toEqual([...new Set(standin.listIds({ from: '2025-06-02', until: '2025-06-03', set: 'cs' }))].sort());
  }, 300_000);

  it('runs a scheduled job once per due time with several workers', async () => {
    // Every 2 seconds (croner reads a six-field expression as seconds first).
    const extra = { FOLIO_TRENDING_CRON: '*/2 * * * * *' };
    const w = [start(['worker'], extra), start(['worker'], extra), start(['worker'], extra)];
    const since = new Date().toISOString();
    await until(
      'a few due times to pass',
      async () => {
        const n = await store.db
          .selectFrom('jobs')
          .select('id')
          .where('kind', '=', 'recompute-trending')
          .where('state', '=', 'done')
          .where('due_at', '>', since)
          .execute();
        return n.length >= 4;
      },
      150_000,
    );
    for (const p of w) p.kill('SIGKILL');
    const jobs = await store.db
      .selectFrom('jobs')
      .select(['unique_key', 'due_at', 'locked_by'])
      .where('kind', '=', 'recompute-trending')
      .execute();
    const keys = jobs.map((j) => j.unique_key);
    expect(new Set(keys).size).toBe(keys.length);
    // One job per due time: due times are 2 s apart.
    const dues = jobs.map((j) => Date.parse(j.due_at)).sort((x, y) => x - y);
    for (let i = 1; i < dues.length; i++) expect((dues[i] as number) - (dues[i - 1] as number)).toBeGreaterThanOrEqual(2000);
  }, 200_000);
});

describePg('a scheduled digest with two workers', () => {
  /** The UTC day `n` days before `d`, as YYYY-MM-DD. */
  const daysBefore = (d: Date, n: number) => new Date(d.getTime() - n * 86_400_000).toISOString().slice(0, 10);

  it('is composed once and reaches each subscriber once', async (ctx) => {
    // The digest goes out at FOLIO_DIGEST_TIME (HH:MM): pick the next minute at least 25 s away, so that
    // both workers are up when it falls due.
    const due = new Date(Math.ceil((Date.now() + 25_000) / 60_000) * 60_000);
    const weekday = due.getUTCDay();
    // Daily digests go out Monday to Friday only; on a weekend there is no due time to wait for.
    if (weekday === 0 || weekday === 6) ctx.skip();
    const smtp = await startSmtp();
    try {
      // Lists on the four days before: the run due today covers yesterday's list. (A run missed within
      // the last day is caught up at start, by both workers at once: it must be sent once too.)
      for (let n = 1; n <= 4; n++) {
        const day = daysBefore(due, n);
        await listPapers(store, day, [
          { id: `2606.9${n}001`, title: `Scheduled digest paper A of ${day}`, upvotes: 9 },
          { id: `2606.9${n}002`, title: `Scheduled digest paper B of ${day}`, upvotes: 4 },
        ]);
      }
      const subs = manySubscribers(30, 'cluster');
      const subIds = await addSubscribers(store, subs);
      const hhmm = due.toISOString().slice(11, 16);
      const extra = {
        FOLIO_DIGEST_TIME: hhmm,
        FOLIO_TIMEZONE: 'UTC',
        FOLIO_SMTP_URL: smtp.url,
        FOLIO_BASE_URL: 'https://papers.example.org',
        FOLIO_MAIL_FROM: 'Folio Papers <papers@example.org>',
      };
      const workers = [start(['worker'], extra), start(['worker'], extra)];
      const key = `digest-daily@${due.toISOString()}`;
      const job = await until(
        `the digest due at ${hhmm} to be sent`,
        async () => {
          const j = await store.db.selectFrom('jobs').selectAll().where('unique_key', '=', key).executeTakeFirst();
          return j?.state === 'done' ? j : undefined;
        },
        150_000,
      );
      // Every mail of the run is in by now (the compose job queues them, the mail-send job sends them);
      // wait for them, then a moment more for any copy that should not come.
      const yesterday = daysBefore(due, 1);
      const todays = () => smtp.received.filter((r) => r.messageId?.startsWith(`<digest.daily.${yesterday}.`));
      await until('30 digests of yesterday', async () => todays().length >= subs.length, 60_000);
      await sleep(3000);
      for (const p of workers) p.kill('SIGKILL');

      expect(job.attempts).toBe(1);
      const composeJobs = await store.db.selectFrom('jobs').select('unique_key').where('kind', '=', DIGEST_COMPOSE_JOB).execute();
      const keys = composeJobs.map((j) => j.unique_key);
      expect(new Set(keys).size).toBe(keys.length);
      // Today's run: one digest per subscriber, each with its own Message-ID, none twice.
      expect(
        todays()
          .map((r) => r.messageId)
          .sort(),
      ).toEqual(subIds.map((id) => `<digest.daily.${yesterday}.${id}@example.org>`).sort());
      // Nothing at all arrived twice (a caught-up run included).
      const ids = smtp.received.map((r) => r.messageId);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await smtp.close();
    }
  }, 240_000);
});

describePg('web processes', () => {
  it('count 200 concurrent upvotes spread over two web processes exactly', async () => {
    const ports = [3421, 3422];
    for (const port of ports)
      start(['serve', '--role', 'web', '--port', String(port), '--host', '127.0.0.1'], { FOLIO_RATE_LIMIT_SCALE: '0' });
    await addPaper(store, { id: '2606.70001', day: '2026-06-02', upvotes: 5 });
    const tokens: string[] = [];
    for (let i = 0; i < 200; i++) tokens.push(await apiToken(store, (await makeMember(store)).id));
    for (const port of ports) {
      await until(`web on ${port}`, async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
        } catch {
          return false;
        }
      });
    }
    const results = await Promise.all(
      tokens.map((token, i) =>
        fetch(`http://127.0.0.1:${ports[i % 2]}/api/papers/2606.70001/upvote`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        }).then((r) => r.status),
      ),
    );
    expect(results.filter((s) => s >= 200 && s < 300).length).toBe(200);
    const row = await store.db
      .selectFrom('papers')
      .select(['imported_upvotes', 'local_upvotes'])
      .where('id', '=', '2606.70001')
      .executeTakeFirstOrThrow();
    expect(row.local_upvotes).toBe(200);
    const votes = await store.db
      .selectFrom('votes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('paper_id', '=', '2606.70001')
      .executeTakeFirstOrThrow();
    expect(Number(votes.n)).toBe(200);
    // Both processes show the same count at once.
    for (const port of ports) {
      const p = (await (await fetch(`http://127.0.0.1:${port}/api/papers/2606.70001`)).json()) as { upvotes: number };
      expect(p.upvotes).toBe(205);
    }
  }, 180_000);

  it('serve the same data from the shared database', async () => {
    const ports = [3411, 3412];
    for (const port of ports) start(['serve', '--role', 'web', '--port', String(port), '--host', '127.0.0.1']);
    const bodies = await Promise.all(
      ports.map((port) =>
        until(`web on ${port}`, async () => {
          try {
            const r = await fetch(`http://127.0.0.1:${port}/api/papers?limit=20`);
            return r.ok ? await r.text() : undefined;
          } catch {
            return undefined;
          }
        }),
      ),
    );
    expect(JSON.parse(bodies[0] as string).length).toBeGreaterThan(0);
    expect(bodies[1]).toBe(bodies[0]);
    // A write through the database shows on both at once (no stale cache in either process).
    const id = (JSON.parse(bodies[0] as string) as { paper: { id: string } }[])[0]?.paper.id as string;
    await store.db.updateTable('papers').set({ title: 'Changed in one place' }).where('id', '=', id).execute();
    for (const port of ports) {
      const r = (await (await fetch(`http://127.0.0.1:${port}/api/papers/${id}`)).json()) as { title: string };
      expect(r.title).toBe('Changed in one place');
    }
  }, 120_000);
});
