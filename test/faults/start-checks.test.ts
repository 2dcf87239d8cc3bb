// What `folio serve` checks before it does any work, and the one line it prints when the store cannot be
// opened. Before, a port in use was found only after migrating and loading the demo (and an index child
// was left orphaned), and a file that is not a database printed a raw stack.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFolio } from '../support/cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'folio-start-'));
  dirs.push(d);
  return d;
}

function env(dir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, FOLIO_DATA_DIR: dir, LOG_LEVEL: 'warn' };
  delete e.DATABASE_URL;
  return e;
}

describe('start checks', () => {
  it('a port in use stops serve at once with one line, before the store is opened or the demo loaded', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = folder();
    try {
      const run = await runFolio(['serve', '--port', String(port), '--host', '127.0.0.1'], env(dir), 60_000);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^folio: the address 127\\.0\\.0\\.1:${port} is in use by another process\\n\\s+hint: `, 'm'));
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dir, 'folio.sqlite'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('a folio.sqlite that is not a database (or is truncated) is named, with the fix', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'folio.sqlite'), 'this is not a database, it is a note left here by mistake'.repeat(100));
    const run = await runFolio(['jobs'], env(dir));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^folio: .*folio\.sqlite is not a SQLite database, or is damaged \(SQLITE_NOTADB\)\n\s+hint: .*folio restore/m,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a data folder that cannot be created is named', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'file'), 'a file where a folder should be');
    const run = await runFolio(['jobs'], env(join(dir, 'file', 'data')));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^folio: cannot create the data folder .*file\/data \(ENOTDIR\)\n\s+hint: FOLIO_DATA_DIR must be a folder/m);
  });
});
