// Members under load, against the real server in its own process:
// - upvotes/s: 50 members at once, each toggling its vote (POST then DELETE /api/papers/{id}/upvote
//   with its bearer token) as fast as the server answers; once all on one paper (one hot row), once
//   each on its own paper. Every request changes state: a vote row, the counter and the trending score
//   in one transaction. Rate limits stay on, scaled up (FOLIO_RATE_LIMIT_SCALE) so that they never bite.
// - /papers: requests/s for a signed-in member (the cached page plus the member's header, token and
//   votes, see web/personalize.ts) beside a signed-out visitor (the cached bytes as they are).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession } from '../src/actions/accounts.ts';
import { createApiToken } from '../src/actions/api-tokens.ts';
import { importFiles } from '../src/actions/import-files.ts';
import { castVote } from '../src/actions/votes.ts';
import { openStore } from '../src/db/connection.ts';
import { DEFAULT_TRENDING } from '../src/domain/trending.ts';
import { makeMember } from '../test/support/members.ts';
import { CONNECTIONS, load, SECONDS, startBenchServer } from './http.ts';
import { SHARED } from './import.ts';
import type { Row } from './table.ts';

const MEMBERS = 50;

interface VoteRun {
  votes: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** Each member loops: upvote, take it back, upvote... on its paper, for `seconds`. */
async function voteLoad(base: string, tokens: string[], paperFor: (i: number) => string, seconds: number): Promise<VoteRun> {
  const end = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    tokens.map(async (token, i) => {
      let up = true;
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await fetch(`${base}/api/papers/${paperFor(i)}/upvote`, {
          method: up ? 'POST' : 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== 200) errors++;
        up = !up;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10) / 10;
  return { votes: latencies.length, errors, seconds, p50: at(0.5), p99: at(0.99) };
}

export async function benchMembers(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-members-'));
  const store = await openStore(dir);
  await importFiles(store.db, [join(SHARED, 'hf-daily')]);
  const papers = (
    await store.db
      .selectFrom('papers')
      .select('id')
      .orderBy('id', 'desc')
      .limit(MEMBERS + 1)
      .execute()
  ).map((p) => p.id);
  const tokens: string[] = [];
  let session = '';
  for (let i = 0; i < MEMBERS; i++) {
    const u = await makeMember(store, { username: `bench-${i}`, email: `bench-${i}@example.org` });
    tokens.push((await createApiToken({ db: store.db, userId: u.id, name: 'bench', requireConfirmedEmail: false })).token);
    if (i === 0) {
      session = (await createSession({ db: store.db, userId: u.id, days: 1 })).token;
      // The signed-in member has a few votes on the page, so that their copy differs from the shared one.
      for (const id of papers.slice(0, 5)) await castVote({ db: store.db, userId: u.id, paperId: id, trending: DEFAULT_TRENDING });
    }
  }
  await store.close();
  const server = await startBenchServer(dir, { FOLIO_RATE_LIMIT_SCALE: '1000' });
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const rows: Row[] = [];
    await voteLoad(base, tokens, () => papers[MEMBERS] as string, 2); // warm up
    for (const [label, paperFor] of [
      [`${MEMBERS} members, one paper`, () => papers[MEMBERS] as string],
      [`${MEMBERS} members, a paper each`, (i: number) => papers[i] as string],
    ] as const) {
      const r = await voteLoad(base, tokens, paperFor, SECONDS);
      rows.push({
        load: `upvote/undo: ${label}`,
        'req/s': Math.round(r.votes / r.seconds),
        'p50 ms': r.p50,
        'p99 ms': r.p99,
        errors: r.errors,
      });
    }
    const cookie = `folio_session=${session}`;
    await load(`${base}/papers`, { seconds: 2 });
    await load(`${base}/papers`, { seconds: 2, headers: { cookie } });
    // Alternated, half the time each, so that a noisy neighbour weighs on both alike.
    const half = Math.max(1, Math.round(SECONDS / 2));
    const runs = { anon: [] as Awaited<ReturnType<typeof load>>[], member: [] as Awaited<ReturnType<typeof load>>[] };
    for (let i = 0; i < 2; i++) {
      runs.anon.push(await load(`${base}/papers`, { seconds: half }));
      runs.member.push(await load(`${base}/papers`, { seconds: half, headers: { cookie } }));
    }
    const merge = (r: Awaited<ReturnType<typeof load>>[]) => ({
      rps: r.reduce((a, x) => a + x.rps, 0) / r.length,
      p50: Math.max(...r.map((x) => x.p50)),
      p99: Math.max(...r.map((x) => x.p99)),
      non2xx: r.reduce((a, x) => a + x.non2xx, 0),
      errors: r.reduce((a, x) => a + x.errors, 0),
    });
    const anon = merge(runs.anon);
    const member = merge(runs.member);
    rows.push({
      load: `GET /papers signed out (${CONNECTIONS} connections)`,
      'req/s': Math.round(anon.rps),
      'p50 ms': anon.p50,
      'p99 ms': anon.p99,
      errors: anon.non2xx + anon.errors,
    });
    rows.push({
      load: `GET /papers signed in (${CONNECTIONS} connections)`,
      'req/s': Math.round(member.rps),
      'p50 ms': member.p50,
      'p99 ms': member.p99,
      errors: member.non2xx + member.errors,
    });
    rows.push({ load: 'signed in / signed out', 'req/s': member.rps / anon.rps, 'p50 ms': '', 'p99 ms': '', errors: '' });
    return rows;
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
