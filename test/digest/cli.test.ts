// `folio digest send | preview | unsubscribe`, as an operator runs them (child processes), without SMTP:
// the outbox is the delivery.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionByEmail } from '../../src/db/queries/digests.ts';
import { runFolio } from '../support/cli.ts';
import { addSubscribers, DAY, digestSettings, listPapers, manySubscribers } from '../support/digest.ts';
import { buildStore, type TestStore } from '../support/store.ts';

let t: TestStore;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  t = await buildStore(digestSettings());
  env = { ...t.env, FOLIO_BASE_URL: 'https://papers.example.org', FOLIO_MAIL_FROM: 'Folio Papers <papers@example.org>' };
  await listPapers(t.store, DAY, [
    { id: '2606.00001', title: 'Diffusion models for text', categories: ['cs.CL'], upvotes: 9 },
    { id: '2606.00002', title: 'Robot grasping at scale', categories: ['cs.RO'], upvotes: 5 },
  ]);
  await addSubscribers(t.store, [
    ...manySubscribers(3),
    { email: 'robots@example.org', categories: ['cs.RO'] },
    { email: 'none@example.org', queries: ['galaxy'] },
  ]);
});
afterAll(async () => t.cleanup());

describe('folio digest', () => {
  it('send --dry-run prints what it would send and writes nothing', async () => {
    const r = await runFolio(['digest', 'send', '--period', 'daily', '--date', DAY, '--dry-run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('would send reader0@example.org  2 papers  Top papers of June 2, 2026 · Folio');
    expect(r.stdout).toContain('would send robots@example.org  1 paper  ');
    expect(r.stdout).toContain('no match   none@example.org');
    expect(r.stdout).toContain(`daily:${DAY}: 4 digests to queue, 1 without matching papers`);
    expect(await t.store.db.selectFrom('outbox').select('id').execute()).toEqual([]);
  });

  it('send delivers into the outbox folder and prints each mail; a second run sends nothing', async () => {
    const r = await runFolio(['digest', 'send', '--period', 'daily', '--date', DAY], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^sent {7}\S+@example\.org {2}Top papers/gm)).toHaveLength(4);
    expect(r.stdout).toContain(`sent 4 (outbox: ${t.dir}/outbox)`);
    const files = readdirSync(join(t.dir, 'outbox'));
    expect(files).toHaveLength(4);
    expect(readFileSync(join(t.dir, 'outbox', files[0] as string), 'utf8')).toMatch(
      /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m,
    );
    const again = await runFolio(['digest', 'send', '--period', 'daily', '--date', DAY], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 digests queued');
    expect(again.stdout).toContain('sent 0');
  });

  it('send --to an address that is not a subscriber sends a test copy, not recorded', async () => {
    const r = await runFolio(['digest', 'send', '--period', 'daily', '--date', DAY, '--to', 'boss@example.org'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('boss@example.org is not an active daily subscriber');
    expect(r.stdout).toMatch(/^sent {7}boss@example\.org {2}\[test\] Top papers/m);
    const row = await t.store.db
      .selectFrom('outbox')
      .select(['kind', 'status'])
      .where('to_addr', '=', 'boss@example.org')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ kind: 'test', status: 'sent' });
  });

  it('preview renders one digest to .html, .txt or .eml with a subscriber’s topics', async () => {
    for (const ext of ['html', 'txt', 'eml']) {
      const out = join(t.dir, `preview.${ext}`);
      const r = await runFolio(['digest', 'preview', '--date', DAY, '--to', 'robots@example.org', '--out', out], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(', 1 paper');
      const body = readFileSync(out, 'utf8');
      expect(body).toContain('Robot grasping at scale');
      expect(body).not.toContain('Diffusion models for text');
    }
    expect(readFileSync(join(t.dir, 'preview.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(readFileSync(join(t.dir, 'preview.eml'), 'utf8')).toMatch(/^Subject: /m);
  });

  it('unsubscribe EMAIL, and clear errors for bad arguments', async () => {
    const r = await runFolio(['digest', 'unsubscribe', 'Reader1@example.org'], env);
    expect(r.code, r.stderr).toBe(0);
    expect((await subscriptionByEmail(t.store.db, 'reader1@example.org'))?.status).toBe('unsubscribed');
    for (const args of [
      ['digest', 'send', '--period', 'monthly'],
      ['digest', 'send', '--period', 'daily', '--date', '2026-02-30'],
      ['digest', 'send', '--period', 'daily', '--to', 'a@example.org\nBcc: b@example.org'],
      ['digest', 'preview', '--out', 'x.pdf'],
      ['digest', 'unsubscribe', 'nobody@example.org'],
    ]) {
      const bad = await runFolio(args, env);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    }
    expect(existsSync('x.pdf')).toBe(false);
  });
});
