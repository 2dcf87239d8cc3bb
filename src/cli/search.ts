// `folio search`, `folio search-index rebuild|update|status` and `folio eval similar`.
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { openStore, type Store } from '../db/connection.ts';
import { corpusSize, currentIndex, indexRows } from '../db/queries/search-indexes.ts';
import { evaluateSimilar, formatReport, METHODS } from '../search/evaluate.ts';
import type { SearchFilters } from '../search/filters.ts';
import { type BuildContext, IndexBusyError, providerChanged, rebuildSearchIndex, updateSearchIndex } from '../search/index-build.ts';
import { EXIT_BUSY } from '../search/jobs.ts';
import { SEARCH_MODES, type SearchMode, search } from '../search/search.ts';
import { searchService } from '../search/service.ts';
import { presentSearchItem } from '../web/presenters/search.ts';

/** Most results `folio search` prints. */
const MAX_CLI_LIMIT = 1000;

async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>, overrides: Record<string, unknown> = {}): Promise<T> {
  const config = loadConfig(process.env, overrides);
  const store = await openStore(config.dataDir, config.databaseUrl);
  try {
    return await fn(store, config);
  } finally {
    await searchService(store, config).close();
    await store.close();
  }
}

function buildContext(store: Store, config: Config, quiet: boolean): BuildContext {
  const stamp = () => new Date().toISOString().slice(11, 19);
  return {
    db: store.db,
    dialect: store.dialect,
    dataDir: config.dataDir,
    config,
    log: quiet ? () => {} : (m) => process.stderr.write(`[${stamp()}] ${m}\n`),
  };
}

function day(v: string | undefined, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new ConfigError(`--${name} must be a day YYYY-MM-DD`);
  return v;
}

export function registerSearchCommands(cli: Command): void {
  cli
    .command('search')
    .description('search the corpus from the command line (hybrid keyword + meaning by default)')
    .argument('<query...>', 'the query, in the search box language (words, "phrases", prefix*, -excluded)')
    .option('--limit <n>', 'results to print', '10')
    .addOption(new Option('--mode <mode>', 'ranking').choices([...SEARCH_MODES]).default('hybrid'))
    .option('--from <day>', 'published on or after YYYY-MM-DD')
    .option('--to <day>', 'published on or before YYYY-MM-DD')
    .option('--category <cat>', 'arXiv category, e.g. cs.CL')
    .option('--org <name>', 'organisation name')
    .option('--has-code', 'only papers with a code repository')
    .option('--on-list', 'only papers that were on a daily list')
    .option('--json', 'print the results as the API does (JSON array)')
    .action(async (words: string[], o: Record<string, string | boolean | undefined>) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CLI_LIMIT)
        throw new ConfigError(`--limit must be a whole number from 1 to ${MAX_CLI_LIMIT}`);
      const filters: SearchFilters = {
        ...(o.from ? { from: day(o.from as string, 'from') } : {}),
        ...(o.to ? { to: day(o.to as string, 'to') } : {}),
        ...(o.category ? { category: o.category as string } : {}),
        ...(o.org ? { organization: o.org as string } : {}),
        ...(o.hasCode ? { hasCode: true } : {}),
        ...(o.onList ? { onList: true } : {}),
      };
      await withStore(async (store, config) => {
        const svc = searchService(store, config);
        const t0 = performance.now();
        const r = await search(svc, { q: words.join(' '), mode: o.mode as SearchMode, filters, offset: 0, limit });
        const ms = performance.now() - t0;
        if (r.problem) throw new ConfigError(r.problem);
        if (o.json) {
          process.stdout.write(
            `${JSON.stringify(
              r.hits.map((h) => presentSearchItem(h)),
              null,
              2,
            )}\n`,
          );
          return;
        }
        for (const n of r.notes) process.stderr.write(`note: ${n.message}\n`);
        r.hits.forEach((h, i) => {
          const by = [h.keywordRank ? `kw#${h.keywordRank}` : '', h.meaningRank ? `meaning#${h.meaningRank}` : '']
            .filter(Boolean)
            .join(' ');
          const date = h.view.paper.published_at?.slice(0, 10) ?? '          ';
          process.stdout.write(
            `${String(i + 1).padStart(3)}. ${h.view.paper.id.padEnd(16)} ${date}  ${h.view.paper.title.replace(/\s+/g, ' ')}${by ? `  [${by}]` : ''}\n`,
          );
        });
        process.stderr.write(`${r.hits.length} of ${r.total} results (${r.used}) in ${ms.toFixed(1)} ms\n`);
      });
    });

  const idx = cli.command('search-index').description('the vector index of meaning search');
  idx
    .command('rebuild')
    .description('train the text model on the corpus, embed every paper and switch to the new index')
    .option('--database <url>', 'PostgreSQL URL (DATABASE_URL); default: SQLite in FOLIO_DATA_DIR')
    .option('--quiet', 'no progress lines')
    .option('--json', 'print the build report as JSON')
    .option('--if-changed', 'do nothing when the corpus and the provider are what the current index was built from (jobs use it)')
    .action(async (o: { database?: string; quiet?: boolean; json?: boolean; ifChanged?: boolean }) => {
      await withStore(
        async (store, config) => {
          if (o.ifChanged) {
            const cur = await currentIndex(store.db);
            if (cur && !providerChanged(cur, config) && (await corpusSize(store.db)) === cur.corpus_size) {
              process.stdout.write(`index ${cur.id} is up to date (${cur.corpus_size} papers): nothing to rebuild\n`);
              return;
            }
          }
          let report: Awaited<ReturnType<typeof rebuildSearchIndex>>;
          try {
            report = await rebuildSearchIndex(buildContext(store, config, !!o.quiet));
          } catch (e) {
            if (!(e instanceof IndexBusyError)) throw e;
            process.stderr.write(`folio: ${e.message}\n`);
            process.exitCode = EXIT_BUSY;
            return;
          }
          const update = await updateSearchIndex(buildContext(store, config, !!o.quiet));
          if (o.json) process.stdout.write(`${JSON.stringify({ report, caughtUp: update.added })}\n`);
          else if (!report) process.stdout.write('too few papers to build a meaning index; search stays keyword-only\n');
          else {
            const s = report.seconds;
            process.stdout.write(
              `index ${report.indexId}: ${report.papers} papers, ${report.dims} dims (${report.model}), ${report.vocabulary} terms; ` +
                `${s.total} s (train ${s.train}, represent ${s.represent}, neighbours ${s.neighbours}, write ${s.write}; ${report.cpuSeconds} s CPU); peak memory ${report.peakRssMb} MB` +
                `${update.added ? `; ${update.added} papers added during the build caught up` : ''}\n`,
            );
          }
        },
        o.database !== undefined ? { databaseUrl: o.database } : {},
      );
    });
  idx
    .command('update')
    .description('add the papers the current index lacks (new since it was built)')
    .option('--database <url>', 'PostgreSQL URL (DATABASE_URL); default: SQLite in FOLIO_DATA_DIR')
    .action(async (o: { database?: string }) => {
      await withStore(
        async (store, config) => {
          let r: Awaited<ReturnType<typeof updateSearchIndex>>;
          try {
            r = await updateSearchIndex(buildContext(store, config, false));
          } catch (e) {
            if (!(e instanceof IndexBusyError)) throw e;
            process.stderr.write(`folio: ${e.message}\n`);
            process.exitCode = EXIT_BUSY;
            return;
          }
          if (r.reason === 'no-index') throw new ConfigError('there is no search index yet: run `folio search-index rebuild`');
          if (r.reason === 'provider-changed')
            throw new ConfigError('the settings name another embeddings provider than the index has: rebuild it');
          process.stdout.write(`added ${r.added} papers to index ${r.indexId}\n`);
        },
        o.database !== undefined ? { databaseUrl: o.database } : {},
      );
    });
  idx
    .command('status')
    .description('list the index builds: state, size, model, when')
    .action(async () => {
      await withStore(async (store) => {
        const rows = await indexRows(store.db);
        if (!rows.length) process.stdout.write('no search index yet (search is keyword-only); `folio search-index rebuild` builds one\n');
        for (const r of rows) {
          process.stdout.write(
            `#${r.id} ${r.state.padEnd(8)} ${String(r.papers).padStart(8)} papers  ${String(r.dims).padStart(4)} dims  ${r.model}  ` +
              `built ${r.ready_at ?? r.created_at} rev ${r.revision}${r.last_error ? `  error: ${r.last_error.slice(0, 200)}` : ''}\n`,
          );
        }
      });
    });

  const evalCmd = cli.command('eval').description('measure search quality');
  evalCmd
    .command('similar')
    .description('rank the candidate pools of a CSFCube-format collection; MAP and NDCG%20 per facet and overall')
    .requiredOption('--corpus <dir>', 'folder with corpus_*.jsonl')
    .requiredOption('--anns <prefix>', 'judgments prefix: PREFIX-{background,method,result}.json')
    .option(
      '--train <path>',
      'extra unlabelled text (arXiv listings) for the built-in model; repeatable',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .addOption(new Option('--method <name>', 'the built-in method reported first').choices(Object.keys(METHODS)).default('folio'))
    .option('--dims <n>', 'LSA dimensions (default: sqrt of the papers, 32-256)')
    .option('--json', 'print the report as JSON')
    .action(async (o: { corpus: string; anns: string; train: string[]; method: string; dims?: string; json?: boolean }) => {
      const dims = o.dims === undefined ? undefined : Number(o.dims);
      if (dims !== undefined && (!Number.isInteger(dims) || dims < 2 || dims > 1024))
        throw new ConfigError('--dims must be a whole number from 2 to 1024');
      const report = await evaluateSimilar({
        corpusDir: resolve(o.corpus),
        annsPrefix: resolve(o.anns),
        train: o.train.map((t) => resolve(t)),
        method: o.method,
        trainOptions: dims ? { dims } : {},
        onProgress: o.json ? undefined : (m) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`),
      }).catch((e: Error) => {
        throw new ConfigError(e.message);
      });
      if (o.json)
        process.stdout.write(`${JSON.stringify({ ...report, methods: report.methods.map(({ perQuery, ...m }) => m) }, null, 2)}\n`);
      else process.stdout.write(`${formatReport(report)}\n`);
    });
}
