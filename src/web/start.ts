// `folio serve`: open the store, load the demo data on first start, listen.

import { summaryLine } from '../actions/import-files.ts';
import { loadDemoIfEmpty } from '../actions/load-demo.ts';
import { type Config, trendingParams } from '../config.ts';
import { openStore } from '../db/connection.ts';
import { recomputeTrending } from '../db/queries/trending.ts';
import { buildWorker } from '../jobs/setup.ts';
import { queueSearchIndexWork } from '../search/jobs.ts';
import { buildApp } from './server.ts';

export async function startServer(config: Config): Promise<void> {
  const store = await openStore(config.dataDir, config.databaseUrl);
  const app = await buildApp(config, store);
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
}
