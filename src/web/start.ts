// `folio serve`: open the store, load the demo data on first start, listen.

import { summaryLine } from '../actions/import-files.ts';
import { loadDemoIfEmpty } from '../actions/load-demo.ts';
import { type Config, trendingParams } from '../config.ts';
import { openStore } from '../db/connection.ts';
import { describeStore } from '../db/describe-store.ts';
import { storeSummary } from '../db/queries/store-summary.ts';
import { recomputeTrending } from '../db/queries/trending.ts';
import { withStartLock } from '../db/start-lock.ts';
import { buildWorker } from '../jobs/setup.ts';
import { queueSearchIndexWork } from '../search/jobs.ts';
import { VERSION } from '../version.ts';
import { checkPortFree } from './preflight.ts';
import { buildApp } from './server.ts';
import { startLines } from './start-lines.ts';

export async function startServer(config: Config): Promise<void> {
  // Port 0 asks the system for any free port: nothing to check.
  if (config.port !== 0) await checkPortFree(config.port, config.host);
  const store = await openStore(config.dataDir, config.databaseUrl);
  const app = await buildApp(config, store);
  // Processes starting together on one store do this one at a time; each checks again under the lock.
  await withStartLock(store, async () => {
    if (config.demo) {
      const report = await loadDemoIfEmpty(store.db);
      if (report) {
        await recomputeTrending(store.db, trendingParams(config), new Date().toISOString());
        app.log.info(`first start: demo data loaded: ${summaryLine(report)}`);
      }
    }
    // Meaning search: builds the vector index in the background when there is none (search is keyword-only
    // until then), and otherwise adds the papers stored since the last run.
    await queueSearchIndexWork(store.db);
  });
  // Web and worker in one process by default; `FOLIO_WORKER=0` when `folio worker` runs apart.
  const worker = config.worker ? buildWorker(config, store, app.log) : undefined;
  await worker?.start();
  const close = async () => {
    await worker?.stop();
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port: config.port, host: config.host });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : config.port;
  const address = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const lines = startLines({
    version: VERSION,
    address,
    baseUrl: config.baseUrl,
    store: describeStore(config.databaseUrl, config.dataDir),
    summary: await storeSummary(store.db),
    worker: config.worker,
  });
  for (const line of lines) app.log.info(line);
}
