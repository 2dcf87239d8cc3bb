// Which store errors a transaction may run again, and which mean the store is away (503, not 500).
import { describe, expect, it } from 'vitest';
import { isConnectionLost, isSqliteBusy, isStoreDamaged, isStoreUnavailable, isTransactionConflict } from '../../src/db/store-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('store errors', () => {
  it('runs again after a serialisation failure or a deadlock, not after a constraint violation', () => {
    expect(isTransactionConflict(withCode('40001'))).toBe(true);
    expect(isTransactionConflict(withCode('40P01'))).toBe(true);
    expect(isTransactionConflict(withCode('23505'))).toBe(false);
    expect(isTransactionConflict(withCode('SQLITE_BUSY'))).toBe(false);
  });

  it('knows a lost PostgreSQL connection by its SQLSTATE, its socket code or pg message', () => {
    expect(isConnectionLost(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isConnectionLost(withCode('08006'))).toBe(true);
    expect(isConnectionLost(withCode('ECONNREFUSED'))).toBe(true);
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(new AggregateError([withCode('ECONNREFUSED')]))).toBe(true);
    expect(isConnectionLost(withCode('42P01', 'relation does not exist'))).toBe(false);
    expect(isConnectionLost(new Error('boom'))).toBe(false);
  });

  it('answers 503 for a store that is away or busy, and tells a damaged SQLite file apart', () => {
    expect(isSqliteBusy(withCode('SQLITE_BUSY_SNAPSHOT'))).toBe(true);
    expect(isStoreUnavailable(withCode('SQLITE_BUSY'))).toBe(true);
    expect(isStoreUnavailable(withCode('57P03'))).toBe(true);
    expect(isStoreUnavailable(withCode('SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
    expect(isStoreDamaged(withCode('SQLITE_CORRUPT'))).toBe(true);
    expect(isStoreDamaged(withCode('SQLITE_NOTADB'))).toBe(true);
    expect(isStoreDamaged(withCode('SQLITE_BUSY'))).toBe(false);
  });
});
