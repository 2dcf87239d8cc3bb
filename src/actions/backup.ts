// `folio backup FILE` and `folio restore FILE`. SQLite: `VACUUM INTO` copies one consistent snapshot
// while the instance keeps serving and writing. PostgreSQL: pg_dump's custom format, restored
// by pg_restore. A restore refuses a file that is not a Folio backup, and never leaves a half-written
// database in place: it writes beside the target and swaps only once the copy is whole.
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Store } from '../db/connection.ts';

export class BackupError extends Error {}

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

/** The files a backup in progress writes beside its target (SQLite may add a journal to the copy). */
function partialFiles(file: string): string[] {
  const tmp = `${file}.partial`;
  return [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`];
}

/**
 * The backup's folder must exist and be writable: checked before any work, so a wrong path fails at once
 * with its name instead of after (or instead of) copying the whole store.
 */
function checkWritable(file: string): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir)) throw new BackupError(`cannot write the backup: the folder ${dir} does not exist`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new BackupError(`cannot write the backup: this user may not write in ${dir} (${(e as { code?: string }).code ?? 'denied'})`);
  }
  if (existsSync(file) && statSync(file).isDirectory()) throw new BackupError(`cannot write the backup: ${file} is a folder`);
}

/** Makes the finished copy durable, then puts it in place in one step (a reader never sees half a file). */
function commitCopy(tmp: string, file: string): number {
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return statSync(file).size;
}

/**
 * SQLite: `VACUUM INTO` copies the database as of one read snapshot. The online backup API used before
 * restarted from the first page whenever another process wrote, so under steady writes on a large store
 * it never finished; a snapshot read does not care what commits meanwhile (WAL keeps the old pages).
 * The copy goes to FILE.partial and is renamed over FILE once whole; a failure removes it.
 */
export async function backup(store: Store, file: string): Promise<{ bytes: number }> {
  checkWritable(file);
  const tmp = `${file}.partial`;
  const cleanUp = () => {
    for (const f of partialFiles(file)) rmSync(f, { force: true });
  };
  // A backup killed before (SIGKILL, a power cut) may have left its partial copy: it is no backup.
  cleanUp();
  try {
    if (store.dialect === 'sqlite') {
      if (!store.sqlite) throw new BackupError('no SQLite connection');
      store.sqlite.prepare('vacuum into ?').run(tmp);
    } else {
      if (!store.url) throw new BackupError('no PostgreSQL URL');
      await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${tmp}`, `--dbname=${store.url}`]);
    }
    return { bytes: commitCopy(tmp, file) };
  } catch (e) {
    cleanUp();
    if (e instanceof BackupError) throw e;
    const code = (e as { code?: string }).code;
    throw new BackupError(`the backup to ${file} failed${code ? ` (${code})` : ''}: ${(e as Error).message}`, { cause: e });
  }
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
