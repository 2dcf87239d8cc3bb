// Requests/s and latency of the main read routes at 50 connections, each beside the very same bytes
// served as a static file by the same server in the same run: the ratio is the figure that matters,
// since these machines are shared and noisy.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { importFiles } from '../src/actions/import-files.ts';
import { openStore } from '../src/db/connection.ts';
import { SHARED } from './import.ts';
import type { Row } from './table.ts';

export const CONNECTIONS = 50;
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

export interface Server {
  port: number;
  proc: ChildProcess;
  staticDir: string;
  stop(): void;
}

export async function startBenchServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const staticDir = mkdtempSync(join(tmpdir(), 'folio-bench-static-'));
  const proc = spawn(process.execPath, ['bin/run-ts.js', 'bench/serve.ts', dataDir, staticDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout?.on('data', (b: Buffer) => {
      const m = /listening (\d+)/.exec(b.toString());
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const stop = () => {
    proc.kill();
    rmSync(staticDir, { recursive: true, force: true });
  };
  return { port, proc, staticDir, stop };
}

export async function load(url: string, opts: { connections?: number; seconds?: number; headers?: Record<string, string> } = {}) {
  const r = await autocannon({
    url,
    connections: opts.connections ?? CONNECTIONS,
    duration: opts.seconds ?? SECONDS,
    headers: opts.headers ?? {},
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

/** Loads one route and its static twin, returns a row with both and the ratio. */
export async function compareWithStatic(
  server: Server,
  label: string,
  path: string,
  ext: string,
  headers: Record<string, string> = {},
): Promise<Row> {
  const base = `http://127.0.0.1:${server.port}`;
  // The page these headers get (fetch undoes the compression itself), to serve as the static twin.
  const { 'accept-encoding': _encoding, ...plain } = headers;
  const body = Buffer.from(await (await fetch(base + path, { headers: plain })).arrayBuffer());
  const name = `${label.replace(/\W+/g, '-')}.${ext}`;
  mkdirSync(server.staticDir, { recursive: true });
  writeFileSync(join(server.staticDir, name), body);
  // The bytes on the wire for these request headers (fetch would decompress them).
  const wire = await rawLength(base + path, headers);
  await load(base + path, { seconds: 2, headers }); // warm up
  const dyn = await load(base + path, { headers });
  const stat = await load(`${base}/bench-static/${name}`);
  return {
    route: label,
    bytes: body.length,
    'wire bytes': wire,
    'req/s': Math.round(dyn.rps),
    'p99 ms': dyn.p99,
    'static req/s': Math.round(stat.rps),
    'static p99 ms': stat.p99,
    'ratio to static': dyn.rps / stat.rps,
    errors: dyn.non2xx + dyn.errors,
  };
}

/** Length of the body as sent (compressed when the headers ask for it). */
function rawLength(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
      });
      res.on('end', () => resolve(n));
    }).on('error', reject);
  });
}

export async function benchHttp(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-http-'));
  const store = await openStore(dir);
  await importFiles(store.db, [join(SHARED, 'hf-daily'), join(SHARED, 'arxiv-listings')]);
  await store.close();
  const server = await startBenchServer(dir);
  try {
    const day = '2026-06-02';
    return [
      await compareWithStatic(server, '/papers', '/papers', 'html'),
      // A browser's request: the cached page's brotli bytes, made once, beside the same static file.
      await compareWithStatic(server, '/papers (br)', '/papers', 'html', { 'accept-encoding': 'br, gzip' }),
      // The compact view is a page of its own in the cache: as cheap as the full one.
      await compareWithStatic(server, '/papers (compact, br)', '/papers', 'html', {
        'accept-encoding': 'br, gzip',
        cookie: 'folio_view=compact',
      }),
      await compareWithStatic(server, `/api/daily_papers?date=${day}`, `/api/daily_papers?date=${day}`, 'json'),
    ];
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
