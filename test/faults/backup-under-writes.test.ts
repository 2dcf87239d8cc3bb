// `folio backup` on a SQLite store of tens of megabytes while a `folio serve` takes about 25 writes/s.
// The online backup API restarted from the first page whenever another process wrote, so the backup
// finished only once the writes stopped (57 s for 420 MB, against 1.9 s idle) and left FILE.partial
// behind when it was stopped. It now copies one snapshot (VACUUM INTO), and finishes while the writes go on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/connection.ts';
import { runFolio } from '../support/cli.ts';
import { growStore } from '../support/large-store.ts';
import { addPaper, apiToken, makeMember } from '../support/members.ts';
import { type ServeProc, sqliteServeEnv, startServe, waitReady } from '../support/serve.ts';

/** Papers in the store: about 50 MB, enough for the old backup to restart under every write. */
const PAPERS = 5000;
/** The write rate of the report. */
const WRITES_PER_SECOND = 25;
/** The writer gives up after this long, so that a backup that never finishes under writes ends the test. */
const WRITER_CAP_MS = 60_000;
const PAPER = '2601.00001';
const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const NOBODY_CAN_RUN_FOLIO =
  process.getuid?.() === 0 &&
  spawnSync('setpriv', [...AS_NOBODY, process.execPath, '-e', 'require("node:fs").accessSync(process.argv[1])', resolve('bin/folio.js')], {
    timeout: 30_000,
  }).status === 0;

let dir: string;
let out: string;
let store: Store;
let token: string;
let server: ServeProc;

const env = () => sqliteServeEnv(dir);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'folio-backup-load-'));
  out = mkdtempSync(join(tmpdir(), 'folio-backup-out-'));
  store = await openStore(dir);
  await growStore(store, PAPERS);
  await addPaper(store, { id: PAPER, day: '2026-01-05' });
  token = await apiToken(store, (await makeMember(store)).id);
  server = await startServe(env());
  await waitReady(server);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const comments = (file: string) => {
  const db = new SQLite(file, { readonly: true });
  try {
    const check = db.prepare('pragma quick_check').get() as { quick_check: string };
    const n = (db.prepare('select count(*) as n from comments').get() as { n: number }).n;
    return { check: check.quick_check, n };
  } finally {
    db.close();
  }
};

describe('backup under writes', () => {
  it('finishes while about 25 writes/s go on, whole and consistent, with nothing left beside it', async () => {
    const statuses: Promise<number>[] = [];
    let backupDone = false;
    let writesAfterBackup = 0;
    const started = Date.now();
    const timer = setInterval(() => {
      if (backupDone) writesAfterBackup++;
      statuses.push(
        fetch(`${server.base}/api/papers/${PAPER}/comments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ body: `comment at ${Date.now() - started} ms` }),
        }).then(
          async (r) => {
            await r.arrayBuffer();
            return r.status;
          },
          () => 0,
        ),
      );
    }, 1000 / WRITES_PER_SECOND);
    // Writes are flowing before the backup starts.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const file = join(out, 'under-load.sqlite');
    const backup = runFolio(['backup', file], env()).then((r) => {
      backupDone = true;
      return r;
    });
    const writerCap = new Promise((resolve) => setTimeout(resolve, WRITER_CAP_MS));
    await Promise.race([backup, writerCap]);
    // Some more writes after the backup, to see they were still arriving when it finished.
    await new Promise((resolve) => setTimeout(resolve, 500));
    clearInterval(timer);
    const run = await backup;
    const all = await Promise.all(statuses);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/backup written to/);
    expect(writesAfterBackup).toBeGreaterThan(0);
    expect(all.filter((s) => s !== 201)).toEqual([]);
    const copy = comments(file);
    expect(copy.check).toBe('ok');
    expect(copy.n).toBeGreaterThan(0);
    expect(copy.n).toBeLessThanOrEqual(all.length);
    expect(readdirSync(out)).toEqual(['under-load.sqlite']);
  }, 180_000);

  it('fails at once with one line when the backup folder does not exist', async () => {
    const run = await runFolio(['backup', join(out, 'no-such-folder', 'x.sqlite')], env());
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/^folio: cannot write the backup: the folder .*no-such-folder does not exist$/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  // Root may write anywhere: the test runs the command as `nobody`, which only root can do, and which
  // needs a checkout `nobody` can read (not one inside a private `mktemp -d` folder).
  it.skipIf(!NOBODY_CAN_RUN_FOLIO)(
    'fails at once with one line, naming the folder, for a user who cannot write the data folder',
    async () => {
      const target = join(out, 'locked');
      mkdirSync(target, { mode: 0o755 });
      const asNobody = [...AS_NOBODY, process.execPath, 'bin/folio.js'];
      const r = spawnSync('setpriv', [...asNobody, 'backup', join(target, 'x.sqlite')], { env: env(), encoding: 'utf8', timeout: 60_000 });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`^folio: cannot write ${dir}.*\\n\\s+hint: FOLIO_DATA_DIR must be a folder this user can write`, 'm'),
      );
      expect(existsSync(join(target, 'x.sqlite.partial'))).toBe(false);
    },
  );
});
