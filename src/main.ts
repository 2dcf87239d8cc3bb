// The `folio` command: serve | import | ... Each subcommand validates its input, does one thing and
// exits non-zero with a clear message when it cannot.
import { existsSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { backup, restore } from './actions/backup.ts';
import { harvestArxiv, summaryLine as harvestSummary, unfinishedHarvest } from './actions/harvest-arxiv.ts';
import { importFiles, summaryLine } from './actions/import-files.ts';
import { migrateStore, mismatches } from './actions/migrate-store.ts';
import { configurationMarkdown } from './cli/config-doc.ts';
import { registerDigestCommands } from './cli/digest.ts';
import { registerDoctorCommand } from './cli/doctor.ts';
import { describeFailure, EXIT_USAGE, failureLines } from './cli/failure.ts';
import { parseIngestOptions } from './cli/ingest-options.ts';
import { copyProgress, harvestProgress, importProgress } from './cli/progress.ts';
import { registerSearchCommands } from './cli/search.ts';
import { registerUsersCommand } from './cli/users.ts';
import { ConfigError, loadConfig, trendingParams } from './config.ts';
import { isPostgresUrl, openStore, sqliteFile } from './db/connection.ts';
import { ensureFolder } from './db/data-folder.ts';
import { describeStore } from './db/describe-store.ts';
import { recomputeTrending } from './db/queries/trending.ts';
import { FORMATS, type Format } from './ingest/read-files.ts';
import { describeJobs } from './jobs/describe.ts';
import { buildWorker } from './jobs/setup.ts';
import { makeLogger } from './observability/logger.ts';
import { enqueueOnce, UPDATE_JOB } from './search/jobs.ts';
import { VERSION } from './version.ts';
import { startServer } from './web/start.ts';

function program(): Command {
  const cli = new Command('folio')
    .description('Folio: a self-hostable Daily Papers')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--debug', 'debug logs, and stack traces for failures (as LOG_LEVEL=debug)')
    .exitOverride();

  cli
    .command('serve')
    .description('serve the site and the API (loads the demo data into an empty store on first start)')
    .option('--port <port>', 'TCP port (PORT)')
    .option('--host <host>', 'address to bind (HOST)')
    .option('--database <url>', 'PostgreSQL URL (DATABASE_URL); default: SQLite in FOLIO_DATA_DIR')
    .addOption(
      new Option('--role <role>', 'all: web and worker in one process; web: web only (run `folio worker` apart)').choices(['all', 'web']),
    )
    .action(async (opts: { port?: string; host?: string; database?: string; role?: 'all' | 'web' }) => {
      const config = loadConfig(process.env, {
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        ...(opts.host !== undefined ? { host: opts.host } : {}),
        ...(opts.database !== undefined ? { databaseUrl: opts.database } : {}),
        ...(opts.role !== undefined ? { worker: opts.role === 'all' ? '1' : '0' } : {}),
      });
      await startServer(config);
    });

  cli
    .command('import')
    .description('import Daily Papers JSON, arXiv JSON-lines or DayDayArXiv files (files, folders, .gz)')
    .argument('<paths...>', 'files or folders')
    .addOption(new Option('--format <format>', 'source format').choices(FORMATS as unknown as string[]).default('auto'))
    .action(async (paths: string[], opts: { format: Format }) => {
      const config = loadConfig();
      const store = await openStore(config.dataDir, config.databaseUrl);
      try {
        const report = await importFiles(store.db, paths, { format: opts.format, progress: importProgress() });
        await recomputeTrending(store.db, trendingParams(config), new Date().toISOString());
        // The worker adds the new papers to meaning search (or rebuilds it when the corpus grew a lot).
        if (report.counts.newPapers) await enqueueOnce(store.db, UPDATE_JOB);
        for (const s of report.skipped.slice(0, 20)) process.stderr.write(`skipped ${s.where}: ${s.reason}\n`);
        if (report.skipped.length > 20) process.stderr.write(`skipped ${report.skipped.length - 20} more records\n`);
        process.stdout.write(`${summaryLine(report)}\n`);
        if (report.rejected.length) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });

  const ingest = cli.command('ingest').description('fill the corpus from a source');
  ingest
    .command('arxiv')
    .description("harvest arXiv's OAI-PMH endpoint (resumable); --resume continues an interrupted harvest")
    .option('--set <set>', 'OAI-PMH set: cs, math, physics:hep-th, ...')
    .option('--from <day>', 'first datestamp, YYYY-MM-DD (inclusive)')
    .option('--until <day>', 'last datestamp, YYYY-MM-DD (inclusive)')
    .option('--endpoint <url>', 'OAI-PMH base URL (FOLIO_ARXIV_OAI_URL)')
    .addOption(new Option('--metadata <prefix>', 'metadata format').choices(['arXiv', 'arXivRaw']).default('arXiv'))
    .option('--delay <seconds>', 'seconds between requests (FOLIO_ARXIV_DELAY; arXiv asks for 3 or more)')
    .option('--resume', 'continue the latest unfinished harvest (of --set, if given)')
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const config = loadConfig();
      const opts = parseIngestOptions(raw, config);
      const store = await openStore(config.dataDir, config.databaseUrl);
      try {
        const resume = opts.resume ? await unfinishedHarvest(store.db, opts.set) : undefined;
        if (opts.resume && !resume) throw new ConfigError(`no unfinished harvest${opts.set ? ` of set ${opts.set}` : ''} to resume`);
        const progress = harvestProgress();
        const t = await harvestArxiv(store.db, { ...opts, onPage: progress.page, onEvent: progress.event }, resume);
        progress.stop();
        process.stdout.write(`${harvestSummary(t)}\n`);
      } finally {
        await store.close();
      }
    });

  cli
    .command('migrate-store')
    .description('copy this instance from SQLite to PostgreSQL (resumable; verifies row counts at the end)')
    .requiredOption('--from <sqlite:PATH>', 'the SQLite database file, e.g. sqlite:./data/folio.sqlite')
    .requiredOption('--to <postgres://URL>', 'the PostgreSQL database (created beforehand; migrated here)')
    .action(async (opts: { from: string; to: string }) => {
      const path = opts.from.replace(/^sqlite:/, '');
      if (!existsSync(path)) throw new ConfigError(`--from: no SQLite database at ${path}`);
      if (!isPostgresUrl(opts.to)) throw new ConfigError('--to: expected a postgres:// URL');
      const reports = await migrateStore(path, opts.to, copyProgress());
      for (const r of reports)
        process.stdout.write(
          `${r.table.padEnd(24)} source ${String(r.source).padStart(8)}  target ${String(r.target).padStart(8)}${r.source === r.target ? '' : '  MISMATCH'}\n`,
        );
      const bad = mismatches(reports);
      if (bad.length) {
        process.stderr.write(`folio: row counts differ for ${bad.map((b) => b.table).join(', ')}\n`);
        process.exitCode = 1;
      } else process.stdout.write(`copied ${reports.length} tables; every row count matches\n`);
    });

  cli
    .command('backup')
    .description('write a consistent backup of the instance to FILE while it keeps running (SQLite online backup; pg_dump on PostgreSQL)')
    .argument('<file>', 'where to write the backup')
    .action(async (file: string) => {
      const config = loadConfig();
      const store = await openStore(config.dataDir, config.databaseUrl);
      try {
        await backup(store, file);
        process.stdout.write(`backup written to ${file}\n`);
      } finally {
        await store.close();
      }
    });

  cli
    .command('restore')
    .description('replace the instance with a backup made by `folio backup` (stop Folio first on SQLite)')
    .argument('<file>', 'the backup file')
    .action(async (file: string) => {
      const config = loadConfig();
      if (config.databaseUrl) await restore({ dialect: 'postgres', url: config.databaseUrl }, file);
      else {
        ensureFolder(config.dataDir);
        await restore({ dialect: 'sqlite', path: sqliteFile(config.dataDir) }, file);
      }
      // Opening the store applies any migration newer than the backup.
      const store = await openStore(config.dataDir, config.databaseUrl);
      await store.close();
      process.stdout.write(`restored ${file}\n`);
    });

  cli
    .command('worker')
    .description('run the job worker alone (harvests, index rebuilds, digests) on its schedule')
    .option('--database <url>', 'PostgreSQL URL (DATABASE_URL); default: SQLite in FOLIO_DATA_DIR')
    .action(async (opts: { database?: string }) => {
      const config = loadConfig(process.env, opts.database !== undefined ? { databaseUrl: opts.database } : {});
      const store = await openStore(config.dataDir, config.databaseUrl);
      const log = makeLogger(config.logLevel, config.logFormat);
      const worker = buildWorker(config, store, log);
      await worker.start();
      log.info({ worker: worker.id }, 'worker started');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await worker.stop();
      await store.close();
    });

  cli
    .command('jobs')
    .description('list scheduled and recent jobs')
    .option('--limit <n>', 'recent jobs to show', '20')
    .action(async (opts: { limit: string }) => {
      const config = loadConfig();
      const store = await openStore(config.dataDir, config.databaseUrl);
      try {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ConfigError('--limit must be a whole number from 1 to 1000');
        process.stdout.write(await describeJobs(config, store, limit));
      } finally {
        await store.close();
      }
    });

  cli
    .command('config-doc')
    .description('print the configuration reference (docs/configuration.md) generated from the settings')
    .action(() => {
      process.stdout.write(configurationMarkdown());
    });

  registerUsersCommand(cli);
  registerDigestCommands(cli);
  registerSearchCommands(cli);
  registerDoctorCommand(cli);

  return cli;
}

/** Runs `folio ARGS`. `--debug` anywhere means LOG_LEVEL=debug and stack traces for failures. */
export async function run(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  if (debug) process.env.LOG_LEVEL = 'debug';
  try {
    await program().parseAsync(
      argv.filter((a) => a !== '--debug'),
      { from: 'user' },
    );
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    const f = describeFailure(e, { store: describeStore(process.env.DATABASE_URL, process.env.FOLIO_DATA_DIR ?? './data') });
    process.stderr.write(failureLines(f, e, debug || /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '')));
    process.exitCode = f.exitCode;
  }
}
