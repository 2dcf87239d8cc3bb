// The benchmarks are not run by the tests, but they must still load: a helper they share with the
// tests that imports vitest, or a type error at run time, would only show when someone runs them.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm run bench', () => {
  it('loads every section and refuses an unknown one by name, with status 2', () => {
    const r = spawnSync(process.execPath, ['bin/run-ts.js', 'bench/run.ts', 'no-such-section'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toMatch(/unknown section\(s\): no-such-section; choose from import, http/);
    expect(r.status).toBe(2);
  }, 120_000);
});
