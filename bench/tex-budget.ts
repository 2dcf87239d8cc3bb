// The TeX budget (web/views/tex-budget.ts) against the worst input found:
// - render: time and size of the HTML that one comment can cause, for the worst TeX (expansion bombs, a
//   thousand formulas, huge lengths, a whole comment of bombs) beside a plain comment of the same length,
//   the baseline of the same run;
// - server: /healthz latency from one client while members post the worst comment as fast as the server
//   takes it, beside the same members posting plain comments of the same length, and an idle server.
// Comments are posted through the API in the real server's own process, rate limits scaled away.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken } from '../src/actions/api-tokens.ts';
import { openStore } from '../src/db/connection.ts';
import { MAX_COMMENT_CHARS } from '../src/domain/comments.ts';
import { renderCommentMarkdown } from '../src/web/views/markdown.ts';
import { addPaper, makeMember } from '../test/support/members.ts';
import { BOMB, WORST_TEX } from '../test/support/worst-tex.ts';
import { load, SECONDS, startBenchServer } from './http.ts';
import type { Table } from './soak.ts';
import type { Row } from './table.ts';

/** Renders of each input; the slowest and the median are reported. */
const RENDERS = Number(process.env.BENCH_TEX_RENDERS ?? 20);
/** Members posting at once in the server part. */
const POSTERS = 10;
const PAPER = '2606.20001';

/** As many bombs and small formulas as a comment may hold: the worst whole comment. */
const WORST_COMMENT = (() => {
  let s = '';
  while (s.length + BOMB.length + 12 < MAX_COMMENT_CHARS) s += `${BOMB} $x_{1}^2$ `;
  return s.trim();
})();

/** Plain prose of the given length: the baseline a comment of that size costs anyway. */
const plain = (n: number) => 'The method improves recall on long queries without extra training. '.repeat(Math.ceil(n / 68)).slice(0, n);

function timeRenders(src: string): { medianMs: number; maxMs: number; bytes: number } {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RENDERS; i++) {
    const t0 = performance.now();
    bytes = Buffer.byteLength(renderCommentMarkdown(src));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)] ?? 0, maxMs: times.at(-1) ?? 0, bytes };
}

function renderTable(): Table {
  const inputs: [string, string][] = [
    ['the review’s bomb (230 chars)', BOMB],
    ...WORST_TEX.slice(1).map((s, i): [string, string] => [`worst TeX #${i + 2} (${s.length} chars)`, s]),
    [`a whole comment of bombs (${WORST_COMMENT.length} chars)`, WORST_COMMENT],
  ];
  const rows: Row[] = [];
  for (const [label, src] of inputs) {
    const base = timeRenders(plain(src.length));
    const r = timeRenders(src);
    rows.push({
      input: label,
      'median ms': r.medianMs,
      'max ms': r.maxMs,
      'HTML KB': r.bytes / 1024,
      'plain median ms': base.medianMs,
      'x plain time': r.medianMs / Math.max(base.medianMs, 0.001),
      'x plain size': r.bytes / base.bytes,
    });
  }
  return { title: `TeX budget: rendering one comment (${RENDERS} renders each) vs plain text of the same length`, rows };
}

/** Members post comments (a fresh text each time, so none is folded as a repeat) until `end`. */
async function postLoop(base: string, tokens: string[], body: string, end: number): Promise<{ posts: number; errors: number }> {
  let posts = 0;
  let errors = 0;
  await Promise.all(
    tokens.map(async (token, lane) => {
      for (let i = 0; performance.now() < end; i++) {
        const text = `${lane}.${i} ${body}`.slice(0, MAX_COMMENT_CHARS);
        const res = await fetch(`${base}/api/papers/${PAPER}/comments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ body: text }),
        });
        await res.arrayBuffer();
        if (res.status === 201) posts++;
        else errors++;
      }
    }),
  );
  return { posts, errors };
}

async function serverTable(): Promise<Table> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-tex-'));
  const store = await openStore(dir);
  await addPaper(store, { id: PAPER, day: '2026-06-02' });
  const tokens: string[] = [];
  for (let i = 0; i < POSTERS; i++) {
    const m = await makeMember(store, { username: `poster-${i}`, email: `poster-${i}@example.org` });
    tokens.push((await createApiToken({ db: store.db, userId: m.id, name: 'bench', requireConfirmedEmail: false })).token);
  }
  await store.close();
  const server = await startBenchServer(dir, { FOLIO_RATE_LIMIT_SCALE: '1000' });
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const rows: Row[] = [];
    await load(`${base}/healthz`, { connections: 1, seconds: 2 }); // warm up
    const idle = await load(`${base}/healthz`, { connections: 1, seconds: SECONDS });
    rows.push({ load: 'idle', '/healthz p50 ms': idle.p50, '/healthz p99 ms': idle.p99, 'posts/s': '', 'post errors': '' });
    for (const [label, body] of [
      [`${POSTERS} members posting plain comments (${WORST_COMMENT.length} chars)`, plain(WORST_COMMENT.length)],
      [`${POSTERS} members posting the worst comment`, WORST_COMMENT],
    ] as const) {
      const end = performance.now() + SECONDS * 1000;
      const [posting, health] = await Promise.all([
        postLoop(base, tokens, body, end),
        load(`${base}/healthz`, { connections: 1, seconds: SECONDS }),
      ]);
      rows.push({
        load: label,
        '/healthz p50 ms': health.p50,
        '/healthz p99 ms': health.p99,
        'posts/s': Math.round(posting.posts / SECONDS),
        'post errors': posting.errors,
      });
    }
    // The paper page with every comment just posted: the budget holds per comment, so it still renders.
    const t0 = performance.now();
    const page = await fetch(`${base}/papers/${PAPER}`);
    const html = await page.text();
    rows.push({
      load: `the paper page afterwards (status ${page.status}, ${Math.round(html.length / 1024)} KB)`,
      '/healthz p50 ms': '',
      '/healthz p99 ms': '',
      'posts/s': '',
      'post errors': `${Math.round(performance.now() - t0)} ms to load`,
    });
    return { title: 'TeX budget: /healthz from one client while members post (the real server in its own process)', rows };
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchTexBudget(): Promise<Table[]> {
  return [renderTable(), await serverTable()];
}
