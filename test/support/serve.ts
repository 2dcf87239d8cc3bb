// `folio serve` (or any `folio` command) in a child process on a free port, for tests of faults that need
// real processes: several on one store, a killed database connection, a backup under a writer.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The environment of a `folio serve` child on the SQLite folder `dir`: no demo, no worker, no rate limits. */
export function sqliteServeEnv(dir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    FOLIO_DATA_DIR: dir,
    FOLIO_DEMO: '0',
    FOLIO_WORKER: '0',
    FOLIO_RATE_LIMIT_SCALE: '0',
    LOG_LEVEL: 'warn',
  };
  delete e.DATABASE_URL;
  return e;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface ServeProc {
  proc: ChildProcess;
  base: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with how it ended (`exit N` or `killed by SIG`). */
  exited: Promise<string>;
  stop(): Promise<string>;
}

/** Starts `folio serve` on a free port of 127.0.0.1 with `env`; does not wait for it to be ready. */
export async function startServe(env: NodeJS.ProcessEnv, args: string[] = []): Promise<ServeProc> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, ['bin/folio.js', 'serve', '--port', String(port), '--host', '127.0.0.1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { FOLIO_BASE_URL: base, ...env },
  });
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  proc.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit ${code}`)),
  );
  return {
    proc,
    base,
    output: () => out,
    exited,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

/** The status `/readyz` answers, or 0 when nothing answers. */
export async function readyStatus(base: string): Promise<number> {
  return fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.status,
    () => 0,
  );
}

/** Waits until `/readyz` says 200; fails when the process exits first or it takes too long. */
export async function waitReady(s: ServeProc, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (s.proc.exitCode !== null || s.proc.signalCode !== null) throw new Error(`folio serve ended early: ${s.output().slice(-2000)}`);
    if ((await readyStatus(s.base)) === 200) return;
    if (Date.now() > end) throw new Error(`folio serve was not ready in time: ${s.output().slice(-2000)}`);
    await sleep(200);
  }
}

/** Runs `work(i)` for i in 0..n-1 with at most `parallel` at once; returns the results in order. */
export async function inParallel<T>(n: number, parallel: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}
