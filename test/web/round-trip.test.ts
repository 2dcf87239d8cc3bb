// Import a day's Daily Papers file, then read it back through the API: the same papers, with the same
// values for every field that Hugging Face clients read (docs/api.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { buildTestApp, FIXTURES, type TestApp } from '../support/store.ts';

type Json = Record<string, unknown>;
const HF = join(FIXTURES, 'hf-daily');

function isApiBody(name: string): boolean {
  const body = JSON.parse(readFileSync(join(HF, name), 'utf8')) as unknown;
  return Array.isArray(body) && body.length > 0 && typeof body[0] === 'object';
}

// Days across the schema's drift: the first and last files, and a spread in between.
const valid = readdirSync(HF).sort().filter(isApiBody);
const DAYS = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => (valid[Math.round(f * (valid.length - 1))] as string).slice(0, 10));

const PAPER_FIELDS = [
  'id',
  'publishedAt',
  'title',
  'summary',
  'upvotes',
  'discussionId',
  'ai_summary',
  'ai_keywords',
  'projectPage',
  'githubRepo',
  'githubStars',
];

/** Every key the original has must be there with the same value; extra keys are allowed. */
function expectSubset(got: unknown, want: unknown, path: string): void {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    expect(got, path).toBeTypeOf('object');
    for (const [k, v] of Object.entries(want as Json)) expectSubset((got as Json)[k], v, `${path}.${k}`);
  } else expect(got, path).toEqual(want);
}

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => t.cleanup());

describe('Daily Papers round trip', () => {
  it.each(DAYS)('%s comes back as it went in', async (day) => {
    const original = JSON.parse(readFileSync(join(HF, `${day}.json`), 'utf8')) as Json[];
    await importFiles(t.store.db, [join(HF, `${day}.json`)]);
    const res = await t.app.inject({ method: 'GET', url: `/api/daily_papers?date=${day}&limit=100` });
    expect(res.statusCode).toBe(200);
    const served = res.json() as Json[];
    const byId = new Map(served.map((i) => [(i.paper as Json).id as string, i]));
    expect([...byId.keys()].sort()).toEqual(original.map((i) => (i.paper as Json).id as string).sort());

    for (const item of original) {
      const want = item.paper as Json;
      const got = byId.get(want.id as string) as Json;
      const gp = got.paper as Json;
      for (const f of PAPER_FIELDS) if (want[f] !== undefined) expect(gp[f], `${want.id}.${f}`).toEqual(want[f]);
      if (want.submittedOnDailyAt) expect(gp.submittedOnDailyAt).toBe(want.submittedOnDailyAt);
      expect(got.numComments).toBe(item.numComments);
      const wantAuthors = want.authors as Json[];
      const gotAuthors = gp.authors as Json[];
      expect(gotAuthors.map((a) => a.name)).toEqual(wantAuthors.map((a) => a.name));
      for (const [i, a] of wantAuthors.entries()) {
        const g = gotAuthors[i] as Json;
        expect(g.hidden).toBe(a.hidden);
        if (a.status) expect(g.status).toBe(a.status);
        if (a.user) expectSubset(g.user, a.user, `${want.id}.authors[${i}].user`);
      }
      const by = (want.submittedOnDailyBy ?? undefined) as Json | undefined;
      if (by) expectSubset(gp.submittedOnDailyBy, by, `${want.id}.submittedOnDailyBy`);
      const org = (want.organization ?? item.organization) as Json | undefined;
      if (org) expectSubset(gp.organization, org, `${want.id}.organization`);
    }
  });
});
