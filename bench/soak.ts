// The soak run (`npm run bench -- soak`; not part of `npm test` nor of `npm run bench` without a section):
// `folio serve` with its worker, in its own process on 127.0.0.1, under SOAK_SECONDS (default 600) of
// mixed traffic, while an arXiv harvest (from the local stand-in, with a polite delay) and a digest run
// (to an SMTP server in this process) happen. It reports, per route, requests, p50/p99 and status
// classes (no 5xx is the bar), the server's memory at start, peak and end, and what the harvest and the
// digest did, with two consistency checks: the votes and comments the store holds are exactly those
// the server acknowledged.
//
// The traffic: SOAK_RPS requests per second (default 20; 0: as fast as the server answers) from
// SOAK_CONNECTIONS (default 16) loops, each waiting for its answer before its next request, the route
// drawn by weight (a seeded generator, so that runs are comparable): list pages,
// paper pages, search (page, live results, API; plain words, phrases, prefixes and odd input), API
// reads, feeds, and members (made beforehand, with API tokens and sessions) browsing signed in, voting
// and commenting through the API. Rate limits stay on, scaled by SOAK_RATE_LIMIT_SCALE (default 100)
// so that they do not bite. Every loop is bounded by time and by SOAK_MAX_REQUESTS in all; every
// request by a timeout.
//
// The store is the Daily Papers history with its meaning index built, as an instance that has run a
// while; `folio serve` still makes, at start, the scheduled runs it missed in the last 24 hours (an
// index rebuild among them), as it would after any restart on a fresh schedule.
//
// Settings: SOAK_SECONDS, SOAK_RPS, SOAK_CONNECTIONS, SOAK_SUBSCRIBERS (default 1000), SOAK_HARVEST_FROM (the day
// the harvest continues from, default 2026-06-01: about 9,000 records of the stand-in's listings),
// SOAK_ARXIV_DELAY (seconds between harvest requests, default 0.5), SOAK_MAX_REQUESTS (default 2,000,000),
// SOAK_DRAIN_SECONDS (how long the jobs may run on after the traffic, default 180).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSession } from '../src/actions/accounts.ts';
import { createApiToken } from '../src/actions/api-tokens.ts';
import { importFiles } from '../src/actions/import-files.ts';
import { openStore, type Store } from '../src/db/connection.ts';
import { recomputeTrending } from '../src/db/queries/trending.ts';
import { monthKeyOf, weekKeyOf } from '../src/domain/periods.ts';
import { DEFAULT_TRENDING } from '../src/domain/trending.ts';
import { DIGEST_COMPOSE_JOB } from '../src/jobs/digest-jobs.ts';
import { enqueue } from '../src/jobs/queue.ts';
import { rng } from '../src/search/model/linalg.ts';
import { SESSION_COOKIE } from '../src/web/auth.ts';
import { startArxivStandin } from '../test/support/arxiv-standin/server.ts';
import { addSubscribers } from '../test/support/digest.ts';
import { makeMember } from '../test/support/members.ts';
import { startSmtp } from '../test/support/smtp.ts';
import { SHARED } from './import.ts';
import type { Row } from './table.ts';

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
};
const SECONDS = env('SOAK_SECONDS', 600);
const CONNECTIONS = Math.max(1, Math.round(env('SOAK_CONNECTIONS', 16)));
const RPS = env('SOAK_RPS', 20);
const SUBSCRIBERS = Math.round(env('SOAK_SUBSCRIBERS', 1000));
const MAX_REQUESTS = Math.round(env('SOAK_MAX_REQUESTS', 2_000_000));
const ARXIV_DELAY = env('SOAK_ARXIV_DELAY', 0.5);
const RATE_LIMIT_SCALE = env('SOAK_RATE_LIMIT_SCALE', 100);
const HARVEST_FROM = process.env.SOAK_HARVEST_FROM ?? '2026-06-01';
const MEMBERS = 48;
/** A request that takes longer is counted as an error (and the loop goes on). */
const REQUEST_TIMEOUT_MS = 30_000;
/** After the traffic, the jobs (harvest, digest, index builds) get this long to finish before the server stops. */
const DRAIN_MS = env('SOAK_DRAIN_SECONDS', 180) * 1000;
/** A server that has not exited this long after SIGTERM is killed (systemd's default is 90 s). */
const STOP_MS = 30_000;
/** RSS is reported at these shares of the run (a leak climbs; caches level off). */
const RSS_POINTS = [0, 0.25, 0.5, 0.75, 1];
/** When, as a share of the run, the harvest and the digest are started. */
const HARVEST_AT = 0.1;
const DIGEST_AT = 0.3;

export interface Table {
  title: string;
  rows: Row[];
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Resident memory of a process in MB (Linux /proc), or NaN elsewhere. */
function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function runFolio(args: string[], childEnv: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/folio.js', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

interface Fixture {
  dir: string;
  tokens: string[];
  sessions: string[];
  memberIds: number[];
  days: string[];
  weeks: string[];
  months: string[];
  /** Papers of the last weeks' lists: where members vote and comment (hot pages). */
  recent: string[];
  papers: string[];
  queries: string[];
}

const ODD_QUERIES = [
  '"unbalanced quote',
  'AND OR NOT',
  'Übersetzung maschinelle',
  '大型语言模型',
  '-',
  '***',
  'a'.repeat(300),
  `${'diffusion '.repeat(1000)}`.trim(), // about 10 KB
  "'; drop table papers; --",
  'NEAR(attention transformer)',
];

/** A store with the Daily Papers history, members with tokens and sessions, and digest subscribers. */
async function prepare(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-soak-'));
  const store = await openStore(dir);
  await importFiles(store.db, [join(SHARED, 'hf-daily')]);
  await recomputeTrending(store.db, DEFAULT_TRENDING, new Date().toISOString());
  const f = await people(store);
  const days = (await store.db.selectFrom('daily_entries').select('day').distinct().orderBy('day').execute()).map((r) => r.day);
  const recentDays = days.slice(-20);
  const recent = (await store.db.selectFrom('daily_entries').select('paper_id').where('day', 'in', recentDays).execute()).map(
    (r) => r.paper_id,
  );
  const papers = (await store.db.selectFrom('papers').select('id').execute()).map((r) => r.id);
  const titles = (await store.db.selectFrom('papers').select('title').orderBy('id').limit(400).execute()).map((r) => r.title);
  const r = rng(7);
  const queries: string[] = [];
  for (const t of titles) {
    const words = t.split(/[^A-Za-z]+/).filter((w) => w.length >= 5);
    if (words.length < 2) continue;
    const [a, b] = [words[Math.floor(r() * words.length)] as string, words[Math.floor(r() * words.length)] as string];
    const kind = queries.length % 5;
    if (kind === 0) queries.push(a);
    else if (kind === 1) queries.push(`${a} ${b}`);
    else if (kind === 2) queries.push(`"${words.slice(0, 2).join(' ')}"`);
    else if (kind === 3) queries.push(`${a.slice(0, 4).toLowerCase()}*`);
    else queries.push(`${a} -${b}`);
  }
  queries.push(...ODD_QUERIES);
  await store.close();
  const built = await runFolio(
    ['search-index', 'rebuild', '--quiet'],
    { ...process.env, FOLIO_DATA_DIR: dir, LOG_LEVEL: 'silent' },
    600_000,
  );
  if (built.code !== 0) throw new Error(`search-index rebuild failed: ${built.out}`);
  return {
    dir,
    ...f,
    days,
    weeks: [...new Set(days.map(weekKeyOf))],
    months: [...new Set(days.map(monthKeyOf))],
    recent,
    papers,
    queries,
  };
}

async function people(store: Store): Promise<Pick<Fixture, 'tokens' | 'sessions' | 'memberIds'>> {
  const tokens: string[] = [];
  const sessions: string[] = [];
  const memberIds: number[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const m = await makeMember(store, { username: `soak-${i}`, email: `soak-${i}@example.org`, fullname: `Soak Member ${i}` });
    memberIds.push(m.id);
    tokens.push((await createApiToken({ db: store.db, userId: m.id, name: 'soak', requireConfirmedEmail: false })).token);
    sessions.push((await createSession({ db: store.db, userId: m.id, days: 1 })).token);
  }
  // Digest subscribers: the members, and visitors (confirmed); one in ten with topics.
  await addSubscribers(
    store,
    Array.from({ length: SUBSCRIBERS }, (_, i) => {
      const member = i < MEMBERS ? memberIds[i] : undefined;
      const topics = i % 10 === 3;
      return {
        email: member !== undefined ? `soak-${i}@example.org` : `reader-${i}@example.net`,
        userId: member ?? null,
        queries: topics ? ['agents', '"language model"'] : [],
        categories: topics ? ['cs.CL'] : [],
      };
    }),
  );
  return { tokens, sessions, memberIds };
}

interface Op {
  route: string;
  weight: number;
  /** Builds the request for loop `loop` (its own members); `acked` records what the server acknowledged. */
  make(pick: <T>(a: readonly T[]) => T, loop: Loop): { method: string; path: string; headers?: Record<string, string>; body?: string };
  /** Called with a 2xx answer's body (JSON requests only). */
  onOk?(loop: Loop, req: { path: string; method: string }, body: unknown): void;
}

interface Loop {
  members: number[];
  /** `${memberIndex} ${paperId}` of the votes the server said are held. */
  votes: Set<string>;
  comments: number;
  lastMember: number;
}

function operations(f: Fixture): Op[] {
  const member = (loop: Loop, pick: <T>(a: readonly T[]) => T) => {
    loop.lastMember = pick(loop.members);
    return loop.lastMember;
  };
  const bearer = (i: number) => ({ authorization: `Bearer ${f.tokens[i]}` });
  const cookie = (i: number) => ({ cookie: `${SESSION_COOKIE}=${f.sessions[i]}` });
  const q = (s: string) => encodeURIComponent(s);
  const vote = (loop: Loop, req: { path: string }, body: unknown) => {
    const b = body as { paperId?: string; voted?: boolean };
    const id = /\/api\/papers\/(.+)\/upvote$/.exec(req.path)?.[1] ?? '';
    const key = `${loop.lastMember} ${b.paperId ?? id}`;
    if (b.voted) loop.votes.add(key);
    else loop.votes.delete(key);
  };
  return [
    { route: 'GET /papers', weight: 6, make: () => ({ method: 'GET', path: '/papers' }) },
    { route: 'GET /papers/date/:day', weight: 10, make: (p) => ({ method: 'GET', path: `/papers/date/${p(f.days)}` }) },
    { route: 'GET /papers/week/:week', weight: 3, make: (p) => ({ method: 'GET', path: `/papers/week/${p(f.weeks)}` }) },
    { route: 'GET /papers/month/:month', weight: 2, make: (p) => ({ method: 'GET', path: `/papers/month/${p(f.months)}` }) },
    { route: 'GET /papers/trending', weight: 3, make: () => ({ method: 'GET', path: '/papers/trending' }) },
    { route: 'GET /papers/:id', weight: 14, make: (p) => ({ method: 'GET', path: `/papers/${p(f.papers)}` }) },
    { route: 'GET /search', weight: 8, make: (p) => ({ method: 'GET', path: `/search?q=${q(p(f.queries))}` }) },
    { route: 'GET /search/results', weight: 4, make: (p) => ({ method: 'GET', path: `/search/results?q=${q(p(f.queries))}` }) },
    {
      route: 'GET /api/papers/search',
      weight: 5,
      make: (p) => ({ method: 'GET', path: `/api/papers/search?q=${q(p(f.queries))}&limit=20` }),
    },
    { route: 'GET /api/daily_papers', weight: 6, make: (p) => ({ method: 'GET', path: `/api/daily_papers?date=${p(f.days)}` }) },
    { route: 'GET /api/papers/:id', weight: 6, make: (p) => ({ method: 'GET', path: `/api/papers/${p(f.papers)}` }) },
    { route: 'GET /api/papers', weight: 2, make: () => ({ method: 'GET', path: '/api/papers?limit=50' }) },
    { route: 'GET /api/papers/:id/comments', weight: 3, make: (p) => ({ method: 'GET', path: `/api/papers/${p(f.recent)}/comments` }) },
    { route: 'GET /api/papers/:id/similar', weight: 3, make: (p) => ({ method: 'GET', path: `/api/papers/${p(f.recent)}/similar` }) },
    { route: 'GET /feeds/daily.rss', weight: 1, make: () => ({ method: 'GET', path: '/feeds/daily.rss' }) },
    {
      route: 'GET /papers/date/:day (member)',
      weight: 5,
      make: (p, l) => ({ method: 'GET', path: `/papers/date/${p(f.days.slice(-20))}`, headers: cookie(member(l, p)) }),
    },
    {
      route: 'GET /papers/:id (member)',
      weight: 4,
      make: (p, l) => ({ method: 'GET', path: `/papers/${p(f.recent)}`, headers: cookie(member(l, p)) }),
    },
    {
      route: 'POST /api/papers/:id/upvote',
      weight: 6,
      make: (p, l) => ({ method: 'POST', path: `/api/papers/${p(f.recent)}/upvote`, headers: bearer(member(l, p)) }),
      onOk: vote,
    },
    {
      route: 'DELETE /api/papers/:id/upvote',
      weight: 4,
      make: (p, l) => ({ method: 'DELETE', path: `/api/papers/${p(f.recent)}/upvote`, headers: bearer(member(l, p)) }),
      onOk: vote,
    },
    {
      route: 'POST /api/papers/:id/comments',
      weight: 2,
      make: (p, l) => ({
        method: 'POST',
        path: `/api/papers/${p(f.recent)}/comments`,
        headers: { ...bearer(member(l, p)), 'content-type': 'application/json' },
        body: JSON.stringify({
          body: `Soak comment: the bound $O(n \\log n)$ holds, see **section 3**. (${Math.round(p([1, 2, 3, 4, 5]) * 1e6)})`,
        }),
      }),
      onOk: (l) => {
        l.comments++;
      },
    },
  ];
}

interface RouteStats {
  latencies: number[];
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s429: number;
  s5xx: number;
  errors: number;
}

interface ServerProc {
  proc: ChildProcess;
  base: string;
  /** Lines the server logged at level error or fatal (pino levels 50, 60). */
  errorLines: string[];
  /** SIGTERM, then SIGKILL after STOP_MS: how it ended and how long it took. */
  stop(): Promise<string>;
}

async function startServer(f: Fixture, extra: Record<string, string>): Promise<ServerProc> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, ['bin/folio.js', 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      FOLIO_DATA_DIR: f.dir,
      FOLIO_DEMO: '0',
      FOLIO_BASE_URL: base,
      LOG_LEVEL: 'warn',
      FOLIO_RATE_LIMIT_SCALE: String(RATE_LIMIT_SCALE),
      ...extra,
    },
  });
  const errorLines: string[] = [];
  let partial = '';
  const take = (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level ? Number(level) >= 50 : line.trim() !== '') errorLines.push(line.slice(0, 500));
    }
  };
  proc.stdout?.on('data', take);
  proc.stderr?.on('data', take);
  const exited = new Promise<string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit ${code}`)),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`folio serve exited with ${proc.exitCode}: ${errorLines.join('\n')}`);
    const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('folio serve was not ready within 60 s');
    await sleep(250);
  }
  return {
    proc,
    base,
    errorLines,
    stop: async () => {
      const t = Date.now();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_MS);
      const how = await exited;
      clearTimeout(timer);
      return `${how} after ${Math.round((Date.now() - t) / 100) / 10} s`;
    },
  };
}

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const ms = (x: number) => Math.round(x * 10) / 10;

export async function benchSoak(): Promise<Table[]> {
  const t0 = Date.now();
  const f = await prepare();
  const standin = await startArxivStandin({ corpus: 'listings', pageSize: 500 });
  const smtp = await startSmtp();
  let server: ServerProc | undefined;
  const stopEvents = new AbortController();
  try {
    // The operator harvested one day by hand; the worker's harvest continues from there (README: the
    // daily harvest of a set continues from the last datestamp its previous run reached).
    const cliEnv = { ...process.env, FOLIO_DATA_DIR: f.dir, LOG_LEVEL: 'silent' };
    const seed = await runFolio(
      ['ingest', 'arxiv', '--endpoint', standin.oaiUrl, '--set', 'cs', '--from', HARVEST_FROM, '--until', HARVEST_FROM, '--delay', '0'],
      cliEnv,
      120_000,
    );
    if (seed.code !== 0) throw new Error(`seed harvest failed: ${seed.out}`);
    const seedLine = seed.out.trim().split('\n').pop() ?? '';

    server = await startServer(f, {
      FOLIO_SMTP_URL: smtp.url,
      FOLIO_MAIL_FROM: 'Folio soak <soak@example.org>',
      FOLIO_ARXIV_OAI_URL: standin.oaiUrl,
      FOLIO_ARXIV_API_URL: `${standin.url}/api/query`,
      FOLIO_ARXIV_DELAY: String(ARXIV_DELAY),
      // Harvest and digest run when this run starts them (below), not at their hour.
      FOLIO_ARXIV_SETS: 'none',
      FOLIO_DIGEST_TIME: 'off',
    });
    const pid = server.proc.pid;
    const base = server.base;
    const store = await openStore(f.dir);
    const rss = { start: rssMb(pid), peak: rssMb(pid), end: Number.NaN };
    const sampler = setInterval(() => {
      rss.peak = Math.max(rss.peak, rssMb(pid));
    }, 1000);

    const ops = operations(f);
    const total = ops.reduce((n, o) => n + o.weight, 0);
    const stats = new Map<string, RouteStats>(
      ops.map((o) => [o.route, { latencies: [], s2xx: 0, s3xx: 0, s4xx: 0, s429: 0, s5xx: 0, errors: 0 }]),
    );
    /** 5xx answers and failed requests, grouped by route and what came back. */
    const failures = new Map<string, number>();
    const failure = (key: string) => failures.set(key, (failures.get(key) ?? 0) + 1);
    let sent = 0;
    const rssAt: number[] = [];
    const started = Date.now();
    const end = started + SECONDS * 1000;
    const loops: Loop[] = Array.from({ length: CONNECTIONS }, (_, k) => ({
      members: Array.from({ length: MEMBERS }, (_, i) => i).filter((i) => i % CONNECTIONS === k),
      votes: new Set<string>(),
      comments: 0,
      lastMember: 0,
    }));
    for (const l of loops) if (!l.members.length) l.members.push(0);

    // The harvest and the digest start while the traffic runs.
    const events: Promise<void>[] = [];
    const timers = { signal: stopEvents.signal };
    const harvestJob = { id: null as number | null, at: Number.NaN };
    const digestJob = { id: null as number | null, at: Number.NaN };
    events.push(
      sleep(SECONDS * 1000 * HARVEST_AT, undefined, timers).then(async () => {
        harvestJob.at = Date.now();
        harvestJob.id = await enqueue(store.db, 'harvest-arxiv', { sets: ['cs'] });
      }),
      sleep(SECONDS * 1000 * DIGEST_AT, undefined, timers).then(async () => {
        digestJob.at = Date.now();
        digestJob.id = await enqueue(store.db, DIGEST_COMPOSE_JOB, { frequency: 'daily' });
      }),
    );
    rssAt.push(rss.start);
    for (const share of RSS_POINTS.slice(1, -1))
      events.push(
        sleep(SECONDS * 1000 * share, undefined, timers).then(() => {
          rssAt.push(rssMb(pid));
        }),
      );
    // Stopped early (an error below): the timers are aborted, which is no failure of their own.
    for (const e of events)
      e.catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError') throw err;
      });

    const run = async (loop: Loop, seedN: number) => {
      const r = rng(seedN);
      const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
      while (Date.now() < end && sent < MAX_REQUESTS) {
        // The n-th request of the run is due n / RPS seconds in; a loop behind schedule goes at once.
        const due = RPS > 0 ? started + (sent * 1000) / RPS : 0;
        sent++;
        if (due > Date.now()) await sleep(Math.min(due, end) - Date.now());
        if (Date.now() >= end) break;
        let x = r() * total;
        let op = ops[0] as Op;
        for (const o of ops) {
          x -= o.weight;
          if (x < 0) {
            op = o;
            break;
          }
        }
        const req = op.make(pick, loop);
        const s = stats.get(op.route) as RouteStats;
        const t = performance.now();
        try {
          const res = await fetch(base + req.path, {
            method: req.method,
            headers: req.headers ?? {},
            ...(req.body !== undefined ? { body: req.body } : {}),
            redirect: 'manual',
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await res.text();
          s.latencies.push(performance.now() - t);
          if (res.status >= 500) {
            s.s5xx++;
            failure(
              `${op.route} -> ${res.status}${res.headers.get('retry-after') ? ` (Retry-After ${res.headers.get('retry-after')})` : ''} ${text.slice(0, 100)}`,
            );
          } else if (res.status === 429) s.s429++;
          else if (res.status >= 400) s.s4xx++;
          else if (res.status >= 300) s.s3xx++;
          else {
            s.s2xx++;
            if (op.onOk) op.onOk(loop, req, res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text);
          }
        } catch (err) {
          s.errors++;
          const e = err as Error & { cause?: { code?: string; message?: string } };
          failure(
            `${op.route} -> ${e.name === 'TimeoutError' ? `no answer in ${REQUEST_TIMEOUT_MS / 1000} s` : `${e.message} ${e.cause?.code ?? e.cause?.message ?? ''}`}`,
          );
        }
      }
    };
    await Promise.all(loops.map((l, k) => run(l, 1000 + k)));
    const seconds = (Date.now() - started) / 1000;
    rss.end = rssMb(pid);
    rssAt.push(rss.end);
    await Promise.all(events);

    // The harvest and the digest: finished during the traffic, or given a while to.
    const jobState = async (id: number | null) =>
      id === null ? undefined : store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    const drainUntil = Date.now() + DRAIN_MS;
    let finishedInTraffic = { harvest: false, digest: false };
    {
      const h = await jobState(harvestJob.id);
      const d = await jobState(digestJob.id);
      finishedInTraffic = { harvest: h?.state === 'done', digest: d?.state === 'done' };
    }
    const outboxWaiting = async () =>
      Number(
        (
          await store.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('kind', '=', 'digest')
            .where('status', 'in', ['pending', 'sending'])
            .executeTakeFirstOrThrow()
        ).n,
      );
    const busyJobs = async () =>
      Number(
        (
          await store.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where((eb) =>
              eb.or([eb('state', '=', 'running'), eb.and([eb('state', '=', 'queued'), eb('due_at', '<=', new Date().toISOString())])]),
            )
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (;;) {
      const h = await jobState(harvestJob.id);
      const d = await jobState(digestJob.id);
      const settled = (j: typeof h) => !j || j.state === 'done' || j.state === 'failed';
      if (settled(h) && settled(d) && (await outboxWaiting()) === 0 && (await busyJobs()) === 0) break;
      if (Date.now() > drainUntil) break;
      await sleep(500);
    }
    const drained = Math.round((Date.now() - (drainUntil - DRAIN_MS)) / 1000);
    clearInterval(sampler);

    // What the store holds against what the server acknowledged.
    const votesHeld = new Set(
      (await store.db.selectFrom('votes').select(['user_id', 'paper_id']).where('user_id', 'in', f.memberIds).execute()).map(
        (v) => `${f.memberIds.indexOf(v.user_id)} ${v.paper_id}`,
      ),
    );
    const votesAcked = new Set(loops.flatMap((l) => [...l.votes]));
    const votesMatch = votesHeld.size === votesAcked.size && [...votesAcked].every((v) => votesHeld.has(v));
    const commentsHeld = Number(
      (
        await store.db
          .selectFrom('comments')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('user_id', 'in', f.memberIds)
          .executeTakeFirstOrThrow()
      ).n,
    );
    const commentsAcked = loops.reduce((n, l) => n + l.comments, 0);

    const harvest = harvestJob.id === null ? undefined : await jobState(harvestJob.id);
    const harvests = await store.db.selectFrom('harvests').selectAll().orderBy('id').execute();
    const workerHarvest = harvests[harvests.length - 1];
    const digest = digestJob.id === null ? undefined : await jobState(digestJob.id);
    const outbox = await store.db
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('kind', '=', 'digest')
      .groupBy('status')
      .execute();
    const deliveries = await store.db
      .selectFrom('digest_deliveries')
      .select(['period', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.sum<string>('papers').as('papers')])
      .groupBy('period')
      .execute();
    // Digests carry Message-IDs of their own (domain/digest.ts digestMessageId).
    const digestMails = smtp.received.filter((m) => m.messageId?.startsWith('<digest.'));
    const uniqueDigestIds = new Set(digestMails.map((m) => m.messageId));
    // Every job of the run, by kind and state, with the longest run and when the last one started.
    const jobRows = await store.db.selectFrom('jobs').selectAll().orderBy('id').execute();
    const jobs = new Map<string, { n: number; longest: number; lastStart: string | null }>();
    for (const j of jobRows) {
      const key = `${j.kind} ${j.state}`;
      const g = jobs.get(key) ?? { n: 0, longest: 0, lastStart: null };
      g.n++;
      const until = j.finished_at ? Date.parse(j.finished_at) : Date.now();
      if (j.started_at) g.longest = Math.max(g.longest, (until - Date.parse(j.started_at)) / 1000);
      if (j.started_at) g.lastStart = j.started_at;
      jobs.set(key, g);
    }
    const sinceTraffic = (iso: string | null) => (iso ? `${Math.round((Date.parse(iso) - started) / 1000)} s` : '-');
    const sinceStart = (j: { started_at: string | null; finished_at: string | null } | undefined) =>
      j?.started_at && j.finished_at
        ? `${Math.round((Date.parse(j.finished_at) - Date.parse(j.started_at)) / 100) / 10} s`
        : 'not finished';
    await store.close();
    const errorLines = server.errorLines;
    const exit = await server.stop();
    server = undefined;

    // ---- tables ----
    const routeRows: Row[] = [];
    const all: number[] = [];
    const sum = { requests: 0, s2xx: 0, s3xx: 0, s4xx: 0, s429: 0, s5xx: 0, errors: 0 };
    for (const o of ops) {
      const s = stats.get(o.route) as RouteStats;
      const sorted = [...s.latencies].sort((a, b) => a - b);
      all.push(...s.latencies);
      const requests = s.latencies.length + s.errors;
      sum.requests += requests;
      sum.s2xx += s.s2xx;
      sum.s3xx += s.s3xx;
      sum.s4xx += s.s4xx;
      sum.s429 += s.s429;
      sum.s5xx += s.s5xx;
      sum.errors += s.errors;
      routeRows.push({
        route: o.route,
        requests,
        'req/s': ms(requests / seconds),
        'p50 ms': ms(at(sorted, 0.5)),
        'p99 ms': ms(at(sorted, 0.99)),
        'max ms': ms(sorted[sorted.length - 1] ?? 0),
        '2xx/3xx': s.s2xx + s.s3xx,
        '4xx': s.s4xx,
        'rate-limited': s.s429,
        '5xx': s.s5xx,
        errors: s.errors,
      });
    }
    all.sort((a, b) => a - b);
    routeRows.push({
      route: 'all',
      requests: sum.requests,
      'req/s': ms(sum.requests / seconds),
      'p50 ms': ms(at(all, 0.5)),
      'p99 ms': ms(at(all, 0.99)),
      'max ms': ms(all[all.length - 1] ?? 0),
      '2xx/3xx': sum.s2xx + sum.s3xx,
      '4xx': sum.s4xx,
      'rate-limited': sum.s429,
      '5xx': sum.s5xx,
      errors: sum.errors,
    });

    const failureList = [...failures].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} × ${k}`);
    const summary: Row[] = [
      {
        what: 'traffic',
        value: `${Math.round(seconds)} s, ${CONNECTIONS} connections, ${RPS > 0 ? `paced at ${RPS}/s` : 'unpaced'}: ${sum.requests} requests (${ms(sum.requests / seconds)}/s)`,
      },
      { what: '5xx responses', value: sum.s5xx },
      { what: 'network errors / timeouts', value: sum.errors },
      ...failureList.slice(0, 12).map((f, i) => ({ what: i ? '' : '5xx and errors, by kind', value: f })),
      { what: 'server RSS (MB)', value: `start ${rss.start}, peak ${rss.peak}, end ${rss.end}` },
      { what: 'server RSS over the run (MB)', value: rssAt.map((v, i) => `${Math.round((RSS_POINTS[i] ?? 1) * 100)}%: ${v}`).join(', ') },
      {
        what: 'harvest (worker job)',
        value: harvest
          ? `${harvest.state} in ${sinceStart(harvest)}, ${finishedInTraffic.harvest ? 'during the traffic' : 'after the traffic'}${harvest.last_error ? `; error: ${harvest.last_error}` : ''}`
          : 'not started',
      },
      {
        what: '',
        value: workerHarvest
          ? `from ${workerHarvest.from_day}: ${workerHarvest.records} records (${workerHarvest.new_papers} new, ${workerHarvest.updated_papers} updated, ${workerHarvest.skipped} skipped), ${workerHarvest.pages} pages, ${workerHarvest.status}; delay ${ARXIV_DELAY} s`
          : 'no harvest row',
      },
      { what: 'seed harvest (CLI, before)', value: seedLine },
      {
        what: 'digest (worker job)',
        value: digest
          ? `${digest.state} in ${sinceStart(digest)}, ${finishedInTraffic.digest ? 'during the traffic' : 'after the traffic'}${digest.last_error ? `; error: ${digest.last_error}` : ''}`
          : 'not started',
      },
      { what: '', value: `deliveries: ${deliveries.map((d) => `${d.period}: ${d.n} subscribers, ${d.papers} papers in all`).join(', ')}` },
      { what: '', value: `outbox (digests): ${outbox.map((o) => `${o.status} ${o.n}`).join(', ')}` },
      {
        what: '',
        value: `SMTP received ${digestMails.length} digests, ${uniqueDigestIds.size} distinct Message-IDs, for ${SUBSCRIBERS} subscribers`,
      },
      {
        what: 'votes: store = acknowledged',
        value: `${votesMatch ? 'yes' : 'NO'} (${votesHeld.size} held, ${votesAcked.size} acknowledged)`,
      },
      {
        what: 'comments: store = acknowledged',
        value: `${commentsHeld === commentsAcked ? 'yes' : 'NO'} (${commentsHeld} stored, ${commentsAcked} acknowledged)`,
      },
      ...[...jobs].map(([key, g], i) => ({
        what: i ? '' : 'jobs: kind state × n',
        value: `${key} × ${g.n}${g.lastStart ? `; longest ${Math.round(g.longest)} s, last started at ${sinceTraffic(g.lastStart)} of the traffic` : ''}`,
      })),
      {
        what: 'after the traffic',
        value: `${drained * 1000 >= DRAIN_MS ? 'jobs still running after' : 'jobs settled in'} ${drained} s (SOAK_DRAIN_SECONDS ${DRAIN_MS / 1000})`,
      },
      {
        what: 'server error log lines',
        value: `${errorLines.length}${
          errorLines.length
            ? `: ${errorLines
                .slice(0, 3)
                .map((l) => l.slice(0, 160))
                .join(' | ')}`
            : ''
        }`,
      },
      { what: 'server stop (SIGTERM)', value: exit },
      { what: 'whole run (setup included)', value: `${Math.round((Date.now() - t0) / 1000)} s` },
    ];
    return [
      { title: `Soak: ${Math.round(seconds)} s of mixed traffic, per route`, rows: routeRows },
      { title: 'Soak: outcomes', rows: summary },
    ];
  } finally {
    stopEvents.abort();
    await server?.stop();
    await smtp.close();
    await standin.close();
    rmSync(f.dir, { recursive: true, force: true });
  }
}
