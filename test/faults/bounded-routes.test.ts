// Every list, author, organisation, search and feed route does work bounded by what it shows, not by
// the size of the store: each SQL statement a request runs is explained (SQLite's query plan), and none
// may scan a whole table of papers, authors or list entries. Run on the fixtures always and, when the
// shared data is here, on all 71,700 listed papers with the Daily Papers days.
import { join } from 'node:path';
import { CompiledQuery, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { buildApp } from '../../src/web/server.ts';
import { buildStore, describeShared, FIXTURES, SHARED_DATA, TEST_PG_URL, type TestStore } from '../support/store.ts';

/** Tables whose size grows with the corpus: a plan may search them by an index, never scan them. */
const LARGE_TABLES = ['papers', 'authors', 'daily_entries', 'comments', 'votes', 'paper_votes'];

/** Keeps every statement the app runs, to explain it afterwards. */
class Recorder implements KyselyPlugin {
  nodes: RootOperationNode[] = [];
  transformQuery(args: { node: RootOperationNode }): RootOperationNode {
    if (args.node.kind === 'SelectQueryNode') this.nodes.push(args.node);
    return args.node;
  }
  async transformResult<T>(args: { result: T }): Promise<T> {
    return args.result;
  }
}

function routesOf(author: string, org: string | undefined, day: string): string[] {
  const a = encodeURIComponent(author);
  return [
    '/papers',
    `/papers/date/${day}`,
    '/papers/week',
    '/papers/month',
    '/papers/trending',
    `/authors/${a}`,
    `/authors/${a}?p=2`,
    ...(org ? [`/orgs/${encodeURIComponent(org)}`, `/feeds/orgs/${encodeURIComponent(org)}.atom`] : []),
    '/search?q=graph+neural+network',
    '/search?q=learning&category=cs.LG&sort=date',
    '/feeds/daily.rss',
    '/feeds/weekly.atom',
    '/feeds/trending.rss',
    `/feeds/authors/${a}.rss`,
    '/feeds/search.atom?q=attention',
    `/api/daily_papers?date=${day}`,
    '/api/daily_papers?sort=trending&limit=50',
    '/api/papers/search?q=diffusion',
  ];
}

function boundedRoutes(files: () => string[]): () => void {
  return () => {
    let t: TestStore;
    let author: string;
    let org: string | undefined;
    let day: string;

    beforeAll(async () => {
      t = await buildStore();
      const r = await importFiles(t.store.db, files());
      expect(r.counts.papers).toBeGreaterThan(0);
      // The author with the most papers, a busy organisation and the busiest day: the worst cases.
      author = (
        await t.store.db
          .selectFrom('authors')
          .select(['name', (eb) => eb.fn.countAll().as('n')])
          .groupBy('name')
          .orderBy('n', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow()
      ).name;
      org = (await t.store.db.selectFrom('organizations').select('name').limit(1).executeTakeFirst())?.name;
      day = (
        await t.store.db
          .selectFrom('daily_entries')
          .select(['day', (eb) => eb.fn.countAll().as('n')])
          .groupBy('day')
          .orderBy('n', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow()
      ).day;
    }, 900_000);
    afterAll(async () => t?.cleanup());

    it('no route scans a whole table of papers, authors or entries', async () => {
      const recorder = new Recorder();
      const db = t.store.db.withPlugin(recorder);
      const app = await buildApp(t.config, { ...t.store, db }, { logger: false });
      try {
        const scans: string[] = [];
        for (const url of routesOf(author, org, day)) {
          recorder.nodes = [];
          const res = await app.inject({ url });
          expect(res.statusCode, url).toBeLessThan(500);
          for (const node of recorder.nodes) {
            const q = db.getExecutor().compileQuery(node, { queryId: 'plan' });
            const plan = await t.store.db.executeQuery<{ detail: string }>(
              CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]),
            );
            for (const { detail } of plan.rows) {
              const m = /^SCAN (\w+)(?: AS (\w+))?(.*)$/.exec(detail);
              if (!m || /USING (COVERING )?INDEX|VIRTUAL TABLE/.test(m[3] ?? '')) continue;
              const table = LARGE_TABLES.find((name) => q.sql.includes(`"${name}" as "${m[1]}"`) || m[1] === name);
              if (table) scans.push(`${url}: ${detail} in ${q.sql.slice(0, 160)}`);
            }
          }
        }
        expect(scans).toEqual([]);
      } finally {
        await app.close();
      }
    });
  };
}

// The plans read are SQLite's (EXPLAIN QUERY PLAN): on a PostgreSQL run both suites are skipped.
describe.skipIf(TEST_PG_URL)(
  'routes bounded in work, on the fixtures',
  boundedRoutes(() => [join(FIXTURES, 'hf-daily'), join(FIXTURES, 'arxiv-listings')]),
);
(TEST_PG_URL ? describe.skip : describeShared)(
  'routes bounded in work, on all the shared listings and Daily Papers days',
  boundedRoutes(() => [join(SHARED_DATA ?? '', 'hf-daily'), join(SHARED_DATA ?? '', 'arxiv-listings')]),
);
