// `folio users create`: the first admin from the command line, its password read from standard input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/connection.ts';
import { verifyPassword } from '../../src/security/passwords.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: string;

function folio(args: string[], input: string) {
  return spawnSync(process.execPath, ['bin/folio.js', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, FOLIO_DATA_DIR: dir, FOLIO_DEMO: '0', LOG_LEVEL: 'silent', FOLIO_DATABASE_URL: '' },
    timeout: 60_000,
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'folio-users-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('folio users create', () => {
  it('creates a confirmed admin with the password from stdin', async () => {
    const r = folio(['users', 'create', '--email', 'Ada@Example.org', '--admin'], 'a very long secret\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/created admin @ada \(ada@example\.org\)/);
    const store = await openStore(dir);
    try {
      const a = await store.db
        .selectFrom('accounts')
        .innerJoin('users', 'users.id', 'accounts.user_id')
        .selectAll()
        .executeTakeFirstOrThrow();
      expect(a.role).toBe('admin');
      expect(a.email_confirmed_at).not.toBeNull();
      expect(await verifyPassword('a very long secret', a.password_hash)).toBe(true);
      // No confirmation mail for an account made by the operator.
      expect(await store.db.selectFrom('outbox').select('id').execute()).toHaveLength(0);
    } finally {
      await store.close();
    }
  }, 180_000);

  it('refuses a short or guessable password, a taken email and a bad role, with exit status 2', () => {
    const short = folio(['users', 'create', '--email', 'x@example.org', '--username', 'xavier'], 'short\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/at least 10 characters/);
    const weak = folio(['users', 'create', '--email', 'x@example.org', '--username', 'xavier'], '1234567890\n');
    expect(weak.status).toBe(2);
    expect(weak.stderr).toMatch(/too easy to guess/);
    const own = folio(['users', 'create', '--email', 'xavier@example.org', '--username', 'xavier'], 'xavier@example.org\n');
    expect(own.status).toBe(2);
    expect(own.stderr).toMatch(/too easy to guess/);
    const taken = folio(['users', 'create', '--email', 'ada@example.org', '--username', 'other'], 'a very long secret\n');
    expect(taken.status).toBe(2);
    expect(taken.stderr).toMatch(/account with this email/);
    const role = folio(['users', 'create', '--email', 'y@example.org', '--role', 'king'], 'a very long secret\n');
    expect(role.status).toBe(2);
  }, 180_000);

  it('says how to choose another username when the one made from the address is reserved', () => {
    const r = folio(['users', 'create', '--email', 'admin@example.org', '--admin'], 'a very long secret\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/"admin" is reserved \(made from the email address\); give another with --username NAME/);
    expect(r.stdout).not.toMatch(/Password/);
    const given = folio(['users', 'create', '--email', 'admin@example.org', '--username', 'admin'], 'a very long secret\n');
    expect(given.status).toBe(2);
    expect(given.stderr).toMatch(/"admin" is reserved\./);
    const ok = folio(['users', 'create', '--email', 'admin@example.org', '--admin', '--username', 'site-admin'], 'a very long secret\n');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/created admin @site-admin/);
  }, 180_000);
});
