// The server under load, in its own process: the real app, plus the same bytes as static files, so that
// the bench compares a dynamic route with a static file served by the same server in the same run.
// Usage: node bin/run-ts.js bench/serve.ts DATA_DIR STATIC_DIR  (prints "listening PORT"); DATABASE_URL set:
// the store is that PostgreSQL database.
import fastifyStatic from '@fastify/static';
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/db/connection.ts';
import { buildApp } from '../src/web/server.ts';

const [dataDir, staticDir] = process.argv.slice(2) as [string, string];
const config = loadConfig({ ...process.env, FOLIO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const store = await openStore(dataDir, config.databaseUrl);
const app = await buildApp(config, store, { logger: false });
await app.register(fastifyStatic, { root: staticDir, prefix: '/bench-static/', decorateReply: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
