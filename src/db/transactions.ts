// Every `db.transaction()` in Folio goes through here, so the rules for writers live in one place.
//
// SQLite: a transaction begins IMMEDIATE, taking the write lock before its first read. A deferred BEGIN
// reads first and upgrades later, and when another connection (the search-index child, a second process,
// an import) commits in between, the upgrade fails at once with SQLITE_BUSY_SNAPSHOT: the busy timeout
// cannot help, since waiting would not make the stale snapshot current. Waiting for the lock happens here,
// in short asynchronous pauses, rather than in SQLite's busy handler, which sleeps on the event loop and
// would stall every other request of the process meanwhile.
//
// PostgreSQL: a transaction rolled back by a serialisation failure or a deadlock, or whose connection
// was lost before it asked to commit, runs again on a fresh connection. One lost while committing is
// not retried: it may have committed.
import { setTimeout as sleep } from 'node:timers/promises';
import type SQLite from 'better-sqlite3';
import { type DatabaseConnection, type Driver, Kysely, type KyselyConfig, SqliteDialect, type TransactionBuilder } from 'kysely';
import { isConnectionLost, isSqliteBusy, isTransactionConflict } from './store-errors.ts';

/** How long a SQLite transaction waits for another process's write lock before the caller gets SQLITE_BUSY. */
export const WRITE_LOCK_WAIT_MS = 15_000;
/** First pause between tries for the write lock; it doubles up to the next. */
const WRITE_LOCK_FIRST_PAUSE_MS = 1;
/** Longest pause between tries: short enough that a writer rarely waits much past the other's commit. */
const WRITE_LOCK_MAX_PAUSE_MS = 25;

/** Runs of a PostgreSQL transaction at most (the first and its retries). */
export const PG_TRANSACTION_ATTEMPTS = 4;
/** Pause before a retry, times the attempt number, plus as much again at random (so rivals part). */
const PG_RETRY_PAUSE_MS = 50;

/**
 * Takes the SQLite write lock with `BEGIN IMMEDIATE`, trying without SQLite's blocking busy handler and
 * pausing asynchronously between tries. The connection's busy timeout (for statements outside any
 * transaction) is set back afterwards.
 */
export async function beginImmediate(sqlite: SQLite.Database, busyTimeoutMs: number, waitMs = WRITE_LOCK_WAIT_MS): Promise<void> {
  const give = Date.now() + waitMs;
  let pause = WRITE_LOCK_FIRST_PAUSE_MS;
  for (;;) {
    sqlite.pragma('busy_timeout = 0');
    try {
      sqlite.exec('begin immediate');
      return;
    } catch (e) {
      if (!isSqliteBusy(e) || Date.now() >= give) throw e;
    } finally {
      sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
    await sleep(pause);
    pause = Math.min(pause * 2, WRITE_LOCK_MAX_PAUSE_MS);
  }
}

/** Kysely's SQLite dialect, with transactions that begin IMMEDIATE (see above). */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly busyTimeoutMs: number,
  ) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const { sqlite, busyTimeoutMs } = this;
    // The driver hands out its single connection under a mutex, so the lock is taken by one
    // transaction of this process at a time, and it is the one about to run.
    driver.beginTransaction = async (_conn: DatabaseConnection) => beginImmediate(sqlite, busyTimeoutMs);
    return driver;
  }
}

/** A Kysely whose transactions run again when PostgreSQL rolled them back for a reason that passes. */
export class RetryingKysely<DB> extends Kysely<DB> {
  constructor(
    config: KyselyConfig,
    private readonly attempts = PG_TRANSACTION_ATTEMPTS,
  ) {
    super(config);
  }

  override transaction(): TransactionBuilder<DB> {
    const builder = super.transaction();
    const execute = builder.execute.bind(builder);
    const attempts = this.attempts;
    builder.execute = async <T>(fn: Parameters<typeof execute<T>>[0]): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        let committing = false;
        try {
          return await execute(async (trx) => {
            const out = await fn(trx);
            committing = true;
            return out;
          });
        } catch (e) {
          const again = isTransactionConflict(e) || (isConnectionLost(e) && !committing);
          if (!again || attempt >= attempts) throw e;
        }
        await sleep(PG_RETRY_PAUSE_MS * attempt * (1 + Math.random()));
      }
    };
    return builder;
  }
}
