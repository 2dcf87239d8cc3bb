// What a store error means for whoever meets it: a transaction that lost a race and may simply run again,
// or a store that is away for now (a lost PostgreSQL connection, a server restarting, a SQLite write lock
// held too long by another process), which a request answers with 503 rather than 500.

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** PostgreSQL: the transaction was rolled back because of another one; running it again is the fix. */
const PG_RETRYABLE = new Set(['40001', '40P01']);

/**
 * PostgreSQL SQLSTATEs that mean the connection or the server went away: class 08 (connection exception),
 * 57P01..57P03 (terminated by an administrator, crash shutdown, cannot connect now).
 */
const PG_GONE = /^(08|57P0[123])/;

/** Socket-level failures (pg reports them with Node's codes). */
const NET_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** pg's own messages for a connection that ended under it (they carry no code). */
const PG_GONE_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended unexpectedly/i;

/** A transaction that lost to a concurrent one and was rolled back: safe to run again. */
export function isTransactionConflict(e: unknown): boolean {
  const code = codeOf(e);
  return code !== undefined && PG_RETRYABLE.has(code);
}

/** The PostgreSQL connection or server is gone (for now). */
export function isConnectionLost(e: unknown): boolean {
  const code = codeOf(e);
  if (code && (PG_GONE.test(code) || NET_GONE.has(code))) return true;
  if (e instanceof AggregateError) return e.errors.some(isConnectionLost);
  return e instanceof Error && PG_GONE_MESSAGES.test(e.message);
}

/** SQLite: another connection held the write lock for longer than this one would wait. */
export function isSqliteBusy(e: unknown): boolean {
  const code = codeOf(e);
  return code === 'SQLITE_BUSY' || (code?.startsWith('SQLITE_BUSY_') ?? false);
}

/** The store cannot serve this right now but should soon: a request answers 503 with Retry-After. */
export function isStoreUnavailable(e: unknown): boolean {
  return isConnectionLost(e) || isSqliteBusy(e);
}

/** SQLite found the file damaged (a page that is not what it should be, or not a database at all). */
export function isStoreDamaged(e: unknown): boolean {
  const code = codeOf(e);
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (code?.startsWith('SQLITE_CORRUPT_') ?? false);
}
