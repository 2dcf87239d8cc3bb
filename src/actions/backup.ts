// `folio backup FILE` and `folio restore FILE`. SQLite: the online backup API copies a consistent
// snapshot while the instance keeps serving and writing. PostgreSQL: pg_dump's custom format, restored
// by pg_restore. A restore refuses a file that is not a Folio backup, and never leaves a half-written
// database in place: it writes beside the target and swaps only once the copy is whole.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import type { Store } from '../db/connection.ts';

export class BackupError extends Error {}

/** Pages copied per step of the SQLite online backup; writers get the lock back between steps. */
export const BACKUP_PAGES_PER_STEP = 1000;

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const PGDUMP_MAGIC = 'PGDMP';

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    p.on('error', (e) => reject(new BackupError(`${cmd} could not run: ${e.message}`)));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new BackupError(`${cmd} failed (${code}): ${err.trim().slice(0, 2000)}`))));
  });
}

function head(file: string, n: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

export async function backup(store: Store, file: string): Promise<{ bytes?: number }> {
  if (store.dialect === 'sqlite') {
    if (!store.sqlite) throw new BackupError('no SQLite connection');
    const tmp = `${file}.partial`;
    rmSync(tmp, { force: true });
    // Progress callback: returning a page count makes the copy run in steps, so writers are not blocked.
    await store.sqlite.backup(tmp, { progress: () => BACKUP_PAGES_PER_STEP });
    renameSync(tmp, file);
    return {};
  }
  if (!store.url) throw new BackupError('no PostgreSQL URL');
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}.partial`, `--dbname=${store.url}`]);
  renameSync(`${file}.partial`, file);
  return {};
}

/** Checks that a SQLite file is a Folio database (it has run Folio's migrations). */
function checkSqliteBackup(file: string): void {
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
    const ok = db
      .prepare(`select count(*) as n from sqlite_master where type = 'table' and name in ('kysely_migration', 'papers')`)
      .get() as { n: number };
    if (ok.n !== 2) throw new BackupError(`${file} is a SQLite database, but not a Folio one`);
    const check = db.prepare('pragma quick_check').get() as { quick_check: string };
    if (check.quick_check !== 'ok') throw new BackupError(`${file} is damaged: ${check.quick_check}`);
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(`${file} cannot be read as a SQLite database: ${(e as Error).message}`);
  } finally {
    db?.close();
  }
}

/**
 * Restores a backup into the store's place. SQLite: run it with Folio stopped (the file is replaced);
 * PostgreSQL: the target database's objects are dropped and recreated from the dump.
 */
export async function restore(
  target: { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string },
  file: string,
): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`no such file: ${file}`);
  const magic = head(file, 16);
  if (target.dialect === 'sqlite') {
    if (magic !== SQLITE_MAGIC)
      throw new BackupError(
        `${file} is not a SQLite backup${magic.startsWith(PGDUMP_MAGIC) ? ' (it is a PostgreSQL dump: restore it with DATABASE_URL set)' : ''}`,
      );
    checkSqliteBackup(file);
    const tmp = `${target.path}.restoring`;
    rmSync(tmp, { force: true });
    const src = new SQLite(file, { readonly: true });
    try {
      await src.backup(tmp);
    } finally {
      src.close();
    }
    for (const suffix of ['-wal', '-shm']) rmSync(`${target.path}${suffix}`, { force: true });
    renameSync(tmp, target.path);
    return;
  }
  if (!magic.startsWith(PGDUMP_MAGIC))
    throw new BackupError(
      `${file} is not a PostgreSQL dump${magic === SQLITE_MAGIC ? ' (it is a SQLite backup: restore it without DATABASE_URL)' : ''}`,
    );
  await run('pg_restore', [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    `--dbname=${target.url}`,
    file,
  ]);
}
