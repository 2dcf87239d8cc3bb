// What `folio serve` says when it starts: where to open it and what it serves, as JSON lines for a
// collector or as readable lines (LOG_FORMAT), and the pure rules behind those lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wantsPretty } from '../../src/observability/logger.ts';
import { openableAddress, startLines } from '../../src/web/start-lines.ts';
import { startFolio } from '../support/cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts `folio serve` on a free port and collects its output until `until` matches, then stops it. */
async function serveUntil(env: NodeJS.ProcessEnv, until: RegExp): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-serve-'));
  dirs.push(dir);
  const { child, done } = startFolio(['serve', '--port', '0', '--host', '127.0.0.1'], {
    PATH: process.env.PATH,
    FOLIO_DATA_DIR: dir,
    FOLIO_ARXIV_SETS: 'none',
    ...env,
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (until.test(out)) resolve();
    });
    child.on('exit', () => reject(new Error(`folio serve exited early:\n${out}`)));
  });
  child.kill('SIGTERM');
  await done;
  return out;
}

describe('folio serve says where it listens and what it loaded', () => {
  it('as JSON lines when the output is not a terminal', async () => {
    const out = await serveUntil({}, /serving [\d,]+ papers[^\n]*\n/);
    const msgs = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; level: number });
    const msg = msgs.map((m) => m.msg);
    expect(msg).toContainEqual(expect.stringMatching(/^first start: demo data loaded: imported [\d,]+ papers \(1308 new/));
    const listening = msg.find((m) => m.startsWith('Folio ')) ?? '';
    expect(listening).toMatch(
      /^Folio \d+\.\d+\.\d+ listening on http:\/\/127\.0\.0\.1:(\d+): open http:\/\/127\.0\.0\.1:\1 \(public address http:\/\/localhost:0\)$/,
    );
    expect(msg).toContainEqual(
      expect.stringMatching(/^serving 1,308 papers and \d+ daily lists from SQLite in .*folio-serve-.*; jobs run in this process$/),
    );
  });

  it('as readable lines with LOG_FORMAT=pretty', async () => {
    const out = await serveUntil({ LOG_FORMAT: 'pretty', FOLIO_WORKER: '0' }, /serving [^\n]*\n/);
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Folio \S+ listening on http:\/\/127\.0\.0\.1:\d+/m);
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: serving 1,308 papers .*; jobs run in `folio worker` processes$/m);
    expect(out).not.toMatch(/^\{/m);
  });

  it('chooses the format and the address to open by rule', () => {
    expect(wantsPretty('auto', true)).toBe(true);
    expect(wantsPretty('auto', undefined)).toBe(false);
    expect(wantsPretty('json', true)).toBe(false);
    expect(wantsPretty('pretty', false)).toBe(true);
    expect(openableAddress('http://0.0.0.0:3000')).toBe('http://localhost:3000');
    expect(openableAddress('http://[::]:8080')).toBe('http://localhost:8080');
    expect(openableAddress('http://192.0.2.7:3000')).toBe('http://192.0.2.7:3000');
    const lines = startLines({
      version: '1.2.3',
      address: 'http://0.0.0.0:3000',
      baseUrl: 'http://localhost:3000',
      store: 'PostgreSQL at db:5432/folio',
      summary: { papers: 71_700, days: 542 },
      worker: true,
    });
    expect(lines).toEqual([
      'Folio 1.2.3 listening on http://0.0.0.0:3000: open http://localhost:3000',
      'serving 71,700 papers and 542 daily lists from PostgreSQL at db:5432/folio; jobs run in this process',
    ]);
  });
});
