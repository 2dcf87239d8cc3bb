// An index built with an external provider: FOLIO_EMBEDDINGS=openai against a local server speaking
// /v1/embeddings (a toy model: hashed word counts, 64 dims). Papers and queries are embedded by it, new
// papers too; the built-in model still explains matches; changing the provider asks for a rebuild.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { currentIndex } from '../../src/db/queries/search-indexes.ts';
import { storeBatch } from '../../src/db/queries/store-papers.ts';
import { providerChanged, rebuildSearchIndex, updateSearchIndex } from '../../src/search/index-build.ts';
import { search } from '../../src/search/search.ts';
import { SearchService } from '../../src/search/service.ts';
import { similarPapers } from '../../src/search/similar.ts';
import { importSearchSample } from '../support/search.ts';
import { buildStore, type TestStore } from '../support/store.ts';

const DIMS = 64;
let server: Server;
let url: string;
let requests = 0;
let t: TestStore;

/** Bag of hashed lower-case words: texts sharing words get close vectors. */
function embed(text: string): number[] {
  const v = new Array(DIMS).fill(0);
  for (const w of text.toLowerCase().match(/[a-z]{3,}/g) ?? []) v[(createHash('md5').update(w).digest()[0] ?? 0) % DIMS] += 1;
  return v;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      requests++;
      const { input, model } = JSON.parse(body) as { input: string[]; model: string };
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ object: 'list', data: input.map((s, index) => ({ object: 'embedding', index, embedding: embed(s) })), model }),
        );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  t = await buildStore({ embeddings: 'openai', embeddingsUrl: url, embeddingsModel: 'toy-hash', embeddingsBatch: '100' });
  await importSearchSample(t);
}, 120_000);

afterAll(async () => {
  await t?.cleanup();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('an index built by an OpenAI-compatible provider', () => {
  it('embeds every paper through the endpoint, in batches, and records the model', async () => {
    const report = await rebuildSearchIndex({ db: t.store.db, dialect: t.store.dialect, dataDir: t.dir, config: t.config });
    expect(report?.provider).toBe('openai');
    expect(report?.model).toBe('openai:toy-hash');
    expect(report?.dims).toBe(DIMS);
    expect(requests).toBe(Math.ceil((report?.papers ?? 0) / 100));
    const cur = await currentIndex(t.store.db);
    expect(cur?.model).toBe('openai:toy-hash');
    expect(cur?.dims).toBe(DIMS);
  }, 120_000);

  it('embeds queries with the same provider, and explains similar papers with the built-in model', async () => {
    const svc = new SearchService(t.store, t.config);
    try {
      const p = await t.store.db
        .selectFrom('papers')
        .select(['id', 'title'])
        .where('ai_summary', 'is not', null)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const before = requests;
      const r = await search(svc, { q: p.title, mode: 'meaning', filters: {}, offset: 0, limit: 5 });
      expect(r.used).toBe('meaning');
      expect(requests).toBe(before + 1);
      expect(r.hits).toHaveLength(5);
      // The same query again comes from the query cache, not from the endpoint.
      await search(svc, { q: p.title, mode: 'meaning', filters: {}, offset: 0, limit: 5 });
      expect(requests).toBe(before + 1);
      const s = await similarPapers(svc, p.id, 5);
      expect(s?.length).toBe(5);
      expect(s?.some((x) => x.words.length > 0)).toBe(true);
    } finally {
      await svc.close();
    }
  });

  it('adds new papers through the provider', async () => {
    await storeBatch(t.store.db, {
      papers: [
        {
          id: '2606.88888',
          title: 'Zebrafish swimming kinematics',
          abstract: 'Zebrafish larvae swim.',
          authors: [{ name: 'A B' }],
          stamp: '2026-06-05',
        },
      ],
      entries: [],
    });
    const before = requests;
    const r = await updateSearchIndex({ db: t.store.db, dialect: t.store.dialect, dataDir: t.dir, config: t.config });
    expect(r.added).toBe(1);
    expect(requests).toBeGreaterThan(before);
  });

  it('is stale once the settings name another provider: no update, meaning search off until rebuilt', async () => {
    const cur = await currentIndex(t.store.db);
    const builtin = loadConfig(
      {},
      { dataDir: t.dir, logLevel: 'silent', demo: '0', ...(t.config.databaseUrl ? { databaseUrl: t.config.databaseUrl } : {}) },
    );
    expect(providerChanged(cur as NonNullable<typeof cur>, builtin)).toBe(true);
    expect(providerChanged(cur as NonNullable<typeof cur>, t.config)).toBe(false);
    expect((await updateSearchIndex({ db: t.store.db, dialect: t.store.dialect, dataDir: t.dir, config: builtin })).reason).toBe(
      'provider-changed',
    );
    const svc = new SearchService(t.store, builtin);
    try {
      const r = await search(svc, { q: 'language models', mode: 'hybrid', filters: {}, offset: 0, limit: 5 });
      expect(r.used).toBe('keyword');
      expect(r.notes.map((n) => n.code)).toContain('keyword-only');
    } finally {
      await svc.close();
    }
  });
});
