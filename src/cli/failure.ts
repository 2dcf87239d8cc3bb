// What the command line says when a command fails. Expected failures (bad settings or arguments, a store
// that cannot be reached, opened or written, a missing PostgreSQL extension, a locked database) become one
// line and a hint, with exit status 2 (usage: the command or settings must change) or 1 (the environment
// must change). Only `--debug` or LOG_LEVEL=debug adds the stack trace.
import { BackupError } from '../actions/backup.ts';
import { ConfigError } from '../config.ts';
import { StoreOpenError } from '../db/connection.ts';
import { MigrationError } from '../db/migrate.ts';
import { ArxivIngestError } from '../ingest/arxiv/errors.ts';

/** The command or its settings are wrong (as in most Unix tools). */
export const EXIT_USAGE = 2;
/** The command was right, but what it works on failed. */
export const EXIT_FAILURE = 1;

export interface Failure {
  message: string;
  hint?: string;
  exitCode: typeof EXIT_USAGE | typeof EXIT_FAILURE;
  /** False for a failure nobody foresaw: a bug, whose stack is worth reading. */
  expected: boolean;
}

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** The error and its causes, outermost first (AggregateError's members too: pg tries each address). */
function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  for (let cur: unknown = e, depth = 0; cur && depth < 8; depth++) {
    out.push(cur);
    if (cur instanceof AggregateError) out.push(...cur.errors);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** Classifies an error thrown by a command. */
export function describeFailure(e: unknown, where: { store: string }): Failure {
  if (e instanceof ConfigError || e instanceof BackupError) return { message: e.message, exitCode: EXIT_USAGE, expected: true };
  if (e instanceof ArxivIngestError) return { message: e.message, exitCode: EXIT_FAILURE, expected: true };
  if (e instanceof StoreOpenError) return { message: e.message, hint: e.hint, exitCode: EXIT_FAILURE, expected: true };
  const all = chain(e);
  const codes = all.map(codeOf);
  const text = all.map((x) => (x instanceof Error ? x.message : String(x))).join(' / ');

  if (/permission denied to create extension "vector"/.test(text)) {
    return {
      message: `${where.store}: the user in DATABASE_URL may not create the pgvector extension`,
      hint: 'run CREATE EXTENSION vector once as a superuser in that database (or grant the right), then start Folio again',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  if (/pgvector|extension "vector"/.test(text)) {
    return {
      message: `${where.store} has no pgvector extension, which meaning search needs`,
      hint: 'install it (Debian: apt-get install postgresql-15-pgvector, or scripts/build-pgvector.sh) or use a PostgreSQL that offers it',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  if (codes.includes('EADDRINUSE')) {
    const address = all.map((x) => x as { address?: string; port?: number }).find((x) => x.port !== undefined);
    return {
      message: `the address ${address ? `${address.address}:${address.port}` : ''} is in use by another process`.replace('  ', ' '),
      hint: 'stop the other server, or choose another port (PORT or --port)',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  if (codes.some((c) => c === 'SQLITE_NOTADB' || c?.startsWith('SQLITE_CORRUPT'))) {
    return {
      message: `${where.store}: the database file is damaged or is not a SQLite database`,
      hint: 'restore a backup (folio restore FILE); `folio doctor` checks the deployment',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  const net = codes.find((c) => c && NETWORK_CODES.has(c));
  if (net) {
    return {
      message: `cannot reach ${where.store} (${net})`,
      hint: 'is the server running, and does DATABASE_URL name it? `folio doctor` checks the deployment',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  if (codes.includes('28P01') || codes.includes('28000')) {
    return {
      message: `${where.store} refused the login`,
      hint: 'check the user and password in DATABASE_URL',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  if (codes.includes('3D000')) {
    return {
      message: `${where.store}: the database does not exist`,
      hint: 'create it (createdb NAME) or fix DATABASE_URL',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  if (codes.some((c) => c === 'SQLITE_BUSY' || c === 'SQLITE_LOCKED' || c?.startsWith('SQLITE_BUSY_'))) {
    return {
      message: `${where.store}: the database is locked by another process`,
      hint: 'wait for the other folio command to finish (or stop it), then run this again',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  if (codes.some((c) => c === 'SQLITE_FULL' || c === 'ENOSPC')) {
    return {
      message: `${where.store}: the disk is full`,
      hint: 'free some space, then run this again',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  // mkdir's ENOENT: a parent that cannot hold folders (as under /proc); other ENOENTs are not about the store.
  const mkdirFailed = all.some((x) => codeOf(x) === 'ENOENT' && (x as { syscall?: unknown }).syscall === 'mkdir');
  if (
    mkdirFailed ||
    codes.some(
      (c) =>
        c === 'EACCES' || c === 'EPERM' || c === 'EROFS' || c === 'ENOTDIR' || c === 'SQLITE_READONLY' || c?.startsWith('SQLITE_CANTOPEN'),
    )
  ) {
    return {
      message: `cannot open or write ${where.store}`,
      hint: 'FOLIO_DATA_DIR must be a folder this user can write',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  if (e instanceof MigrationError) {
    return {
      message: e.message,
      hint: 'the store is as it was before; `folio doctor` checks the deployment',
      exitCode: EXIT_FAILURE,
      expected: true,
    };
  }
  return {
    message: `unexpected error: ${e instanceof Error ? e.message : String(e)}`,
    hint: 'run it again with --debug to see where it happened',
    exitCode: EXIT_FAILURE,
    expected: false,
  };
}

/** The lines to print: `folio: message`, the hint, and the stack when debugging. */
export function failureLines(f: Failure, e: unknown, debug: boolean): string {
  const lines = [`folio: ${f.message}`];
  if (f.hint) lines.push(`  hint: ${f.hint}`);
  if (debug && e instanceof Error && e.stack) lines.push(e.stack);
  return `${lines.join('\n')}\n`;
}
