// The search index's jobs. `rebuild-search-index` runs `folio search-index rebuild` in a child process:
// training and embedding take the CPU for minutes on a large corpus, and a web server sharing the
// process would stop answering meanwhile; the child's memory is also returned when it ends.
// `update-search-index` adds new papers in-process (cheap), and asks for a rebuild instead when there
// is no index yet, when the settings name another provider, or when the corpus grew by REBUILD_GROWTH.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Store } from '../db/connection.ts';
import { corpusSize, currentIndex } from '../db/queries/search-indexes.ts';
import type { Database } from '../db/schema.ts';
import { enqueue, FRONT_OF_QUEUE } from '../jobs/queue.ts';
import type { JobContext } from '../jobs/worker.ts';
import { MIN_PAPERS_FOR_INDEX, providerChanged, REBUILD_GROWTH } from './index-build.ts';

export const REBUILD_JOB = 'rebuild-search-index';
export const UPDATE_JOB = 'update-search-index';
/** New papers reach meaning search at most this long after they are stored (and at once after imports and harvests). */
export const SEARCH_UPDATE_CRON = '*/10 * * * *';
/** Exit status of `folio search-index rebuild|update` when another process holds the lease (EX_TEMPFAIL). */
export const EXIT_BUSY = 75;
/** Lines of a failed build's output kept in the job's error. */
const ERROR_LINES = 12;

const FOLIO_BIN = fileURLToPath(new URL('../../bin/folio.js', import.meta.url));

/** Enqueues a job of this kind unless one is already waiting or running. */
export async function enqueueOnce(db: Kysely<Database>, kind: string, opts: { dueAt?: Date } = {}): Promise<boolean> {
  const pending = await db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', kind)
    .where('state', 'in', ['queued', 'running'])
    .limit(1)
    .executeTakeFirst();
  if (pending) return false;
  return (await enqueue(db, kind, {}, opts)) !== null;
}

/**
 * At start: without an index, its build goes to the head of the queue (the queue runs the earliest due
 * job first, and a harvest caught up at start could hold the worker for long); with one, the papers
 * stored since the last run are added.
 */
export async function queueSearchIndexWork(db: Kysely<Database>): Promise<void> {
  if (!(await currentIndex(db)) && (await corpusSize(db)) >= MIN_PAPERS_FOR_INDEX)
    await enqueueOnce(db, REBUILD_JOB, { dueAt: FRONT_OF_QUEUE });
  else await enqueueOnce(db, UPDATE_JOB);
}

/** Runs the rebuild in a child process of the same program and settings; its progress goes to the job log. */
export function runRebuildProcess(config: Config, ctx: JobContext): Promise<void> {
  // --if-changed: a scheduled or queued rebuild is skipped when nothing changed since the last one.
  return runIndexProcess(config, ctx, ['rebuild', '--if-changed']);
}

/**
 * `folio search-index ARGS` in a child process of the same program and settings; its output goes to the
 * job log. Index work runs there, not in the worker: it is minutes of CPU in synchronous steps (SQLite,
 * the model, the HNSW graph) that would leave a worker sharing its process with the web server deaf to
 * requests meanwhile.
 */
function runIndexProcess(config: Config, ctx: JobContext, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, FOLIO_DATA_DIR: config.dataDir };
    if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
    else delete env.DATABASE_URL;
    const child = spawn(process.execPath, [FOLIO_BIN, 'search-index', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const take = (buf: Buffer) => {
      for (const line of buf.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > ERROR_LINES) tail.shift();
        ctx.log(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const stop = () => child.kill('SIGTERM');
    ctx.signal.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', stop);
      if (code === 0 || code === EXIT_BUSY) resolve();
      else reject(new Error(`search index ${args[0]} ${signal ? `stopped by ${signal}` : `exited with ${code}`}: ${tail.join(' | ')}`));
    });
  });
}

/** The update job: add new papers, or ask for a rebuild when one is due. */
export async function runUpdateJob(config: Config, store: Store, ctx: JobContext): Promise<void> {
  const db = store.db;
  const cur = await currentIndex(db);
  const papers = await corpusSize(db);
  const due =
    (!cur && papers >= MIN_PAPERS_FOR_INDEX) ||
    (cur && providerChanged(cur, config)) ||
    (cur && papers > Math.ceil(cur.corpus_size * (1 + REBUILD_GROWTH)));
  if (due) {
    if (await enqueueOnce(db, REBUILD_JOB))
      ctx.log(`search index rebuild queued (${cur ? `corpus ${cur.corpus_size} -> ${papers}` : 'no index yet'})`);
    // The rebuild indexes every paper with the new model: adding them to the old index first would be
    // minutes of CPU thrown away (about 9 after a 71k import). Keyword search has them meanwhile.
    return;
  }
  await runIndexProcess(config, ctx, ['update']);
}
