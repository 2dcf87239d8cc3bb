// The search commands, run as an operator runs them: `folio search-index rebuild|status`,
// `folio search QUERY [--limit] [--mode] [--json]`, and `folio eval similar` on a small collection in
// the CSFCube format.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSearchSample } from '../support/search.ts';
import { buildStore, type TestStore } from '../support/store.ts';

const run = promisify(execFile);
const FOLIO = join(import.meta.dirname, '..', '..', 'bin', 'folio.js');
let t: TestStore;

async function folio(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [FOLIO, ...args], { env: t.env, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

beforeAll(async () => {
  t = await buildStore();
  await importSearchSample(t);
}, 120_000);

afterAll(async () => t?.cleanup());

describe('folio search-index and folio search', () => {
  it('says there is no index yet, and searches by keyword meanwhile', async () => {
    expect((await folio(['search-index', 'status'])).stdout).toContain('no search index yet');
    const r = await folio(['search', 'language', 'models', '--limit', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(r.stderr).toContain('Meaning search is being prepared');
  }, 60_000);

  it('builds the index and reports it', async () => {
    const r = await folio(['search-index', 'rebuild', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^index \d+: \d+ papers, \d+ dims \(folio-text-model\/1\/\d+\)/);
    const s = await folio(['search-index', 'status']);
    expect(s.stdout).toMatch(/#\d+ ready\s+\d+ papers/);
  }, 120_000);

  it('prints ranked results, or the API shape with --json, in each mode', async () => {
    const text = await folio(['search', 'robot', 'manipulation', '--limit', '5']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^ {2}1\. \d{4}\.\d{4,5}\s/);
    expect(text.stderr).toMatch(/5 of \d+ results \(hybrid\) in [\d.]+ ms/);
    for (const mode of ['keyword', 'meaning']) {
      const j = await folio(['search', 'robot', '--mode', mode, '--limit', '4', '--json']);
      expect(j.code).toBe(0);
      const items = JSON.parse(j.stdout) as { paper: { id: string }; highlightedTitle: unknown[] }[];
      expect(items).toHaveLength(4);
      expect(Array.isArray(items[0]?.highlightedTitle)).toBe(true);
    }
  }, 60_000);

  it('refuses bad options with a clear message and status 2', async () => {
    for (const args of [
      ['search', 'x', '--limit', '0'],
      ['search', 'x', '--mode', 'fuzzy'],
    ]) {
      const r = await folio(args);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect((await folio(['search', '--', '-survey'])).stderr).toContain('not only what to leave out');
  }, 60_000);
});

describe('folio eval similar', () => {
  it('ranks the pools of a CSFCube-format collection and prints MAP and NDCG%20 per facet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'folio-csfcube-'));
    try {
      const topics = ['graph neural networks for molecules', 'speech recognition with transformers', 'reinforcement learning for robots'];
      const papers = topics.flatMap((topic, ti) =>
        Array.from({ length: 10 }, (_, i) => ({
          paper_id: `p${ti}-${i}`,
          title: `${topic} study ${i}`,
          abstract: [`We study ${topic}.`, `Our method improves ${topic.split(' ')[0]} results on benchmark ${i % 3}.`],
        })),
      );
      writeFileSync(join(dir, 'corpus_small.jsonl'), papers.map((p) => JSON.stringify(p)).join('\n'));
      for (const facet of ['background', 'method', 'result']) {
        const cands = papers.map((p) => p.paper_id).filter((id) => id !== 'p0-0');
        writeFileSync(
          join(dir, `dev-pid2anns-${facet}.json`),
          JSON.stringify({ 'p0-0': { cands, relevance_adju: cands.map((c) => (c.startsWith('p0-') ? 3 : 0)) } }),
        );
      }
      const r = await folio(['eval', 'similar', '--corpus', dir, '--anns', join(dir, 'dev-pid2anns')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^folio\s/m);
      expect(r.stdout).toMatch(/^folio-index\s/m);
      expect(r.stdout).toMatch(/^tfidf\s/m);
      expect(r.stdout).toContain('3 queries (background 1, method 1, result 1)');
      const j = await folio(['eval', 'similar', '--corpus', dir, '--anns', join(dir, 'dev-pid2anns'), '--json']);
      const report = JSON.parse(j.stdout) as { methods: { method: string; byFacet: { all: { map: number } } }[] };
      // Same-topic papers are found first: perfect average precision on this easy set.
      expect(report.methods.find((m) => m.method === 'folio')?.byFacet.all.map).toBeCloseTo(1, 5);
      expect((await folio(['eval', 'similar', '--corpus', join(dir, 'nope'), '--anns', 'x'])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
