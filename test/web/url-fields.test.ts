// Links from outside: refused at import (left empty, with a reason), and a bad one already stored
// renders no link on pages, in digests' data and in feeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { parseHfDaily } from '../../src/ingest/hf-daily/parse.ts';
import { dom, writeDaily } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const BAD = [
  'javascript:alert(1)',
  ' JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,x',
  '//evil.example/x',
  'http://user:pass@evil.example/',
];
const item = (n: number, bad: string) => ({
  paper: {
    id: `2606.1000${n}`,
    title: `Paper ${n}`,
    summary: `Abstract ${n} http://user:pass@evil.example/ here`,
    authors: [{ name: 'Ann', user: { user: `ann${n}`, avatarUrl: bad }, status: 'claimed_verified' }],
    githubRepo: bad,
    projectPage: bad,
    organization: { name: `org${n}`, avatar: bad },
  },
  submittedBy: { user: `sub${n}`, name: `sub${n}`, avatarUrl: bad },
  thumbnail: bad,
  mediaUrls: [bad, 'https://ok.example/m.png'],
});

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  await importFiles(t.store.db, [
    writeDaily(
      t.dir,
      '2026-06-05',
      BAD.map((b, n) => item(n, b)),
    ),
  ]);
});
afterAll(async () => t.cleanup());

const hostile = (s: string) => /javascript|data:|evil\.example/i.test(s);

describe('at import', () => {
  it('keeps the paper and leaves each bad link empty, saying why', () => {
    const r = parseHfDaily(
      BAD.map((b, n) => item(n, b)),
      '2026-06-05',
      'f.json',
    );
    expect(r.skipped).toEqual([]);
    expect(r.papers).toHaveLength(BAD.length);
    for (const p of r.papers)
      expect([p.community?.githubRepo, p.community?.projectPage, p.community?.organization?.avatar]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    for (const e of r.entries) expect([e.thumbnail, e.mediaUrls]).toEqual([undefined, ['https://ok.example/m.png']]);
    expect(r.dropped.map((d) => d.where)).toContain('f.json[0].paper.projectPage');
    expect(r.dropped.every((d) => /http\(s\)/.test(d.reason))).toBe(true);
  });

  it('stores none of them', async () => {
    const papers = await t.store.db
      .selectFrom('papers')
      .select(['github_repo', 'project_page'])
      .where('id', 'like', '2606.1000%')
      .execute();
    expect(papers.flatMap((p) => [p.github_repo, p.project_page]).filter((u) => u !== null)).toEqual([]);
    const avatars = await t.store.db.selectFrom('hf_identities').select('avatar_url').execute();
    expect(avatars.map((a) => a.avatar_url).filter((u) => u && hostile(u))).toEqual([]);
    const orgs = await t.store.db.selectFrom('organizations').select('avatar').execute();
    expect(orgs.map((o) => o.avatar).filter((u) => u && hostile(u))).toEqual([]);
  });
});

describe('at render', () => {
  it.each(BAD)('a stored %j becomes no link on pages and in feeds', async (bad) => {
    // A row written before the import refused such links (or by hand).
    await t.store.db.updateTable('papers').set({ github_repo: bad, project_page: bad }).where('id', '=', '2606.10000').execute();
    await t.store.db.updateTable('daily_entries').set({ thumbnail: bad }).where('paper_id', '=', '2606.10000').execute();
    await t.store.db.updateTable('organizations').set({ avatar: bad }).execute();
    await t.store.db.updateTable('hf_identities').set({ avatar_url: bad }).execute();
    for (const url of ['/papers/2606.10000', '/papers/date/2026-06-05', '/orgs/org0']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      const root = dom(res.body);
      const urls = [
        ...root.querySelectorAll('[href]').map((a) => a.getAttribute('href') ?? ''),
        ...root.querySelectorAll('[src]').map((a) => a.getAttribute('src') ?? ''),
      ];
      expect(urls.filter(hostile), url).toEqual([]);
    }
    for (const ext of ['rss', 'atom']) {
      const res = await t.app.inject({ method: 'GET', url: `/feeds/daily.${ext}` });
      // The abstract names the credentials URL as text; no link in the content goes anywhere hostile.
      expect(res.body).not.toMatch(/href="[^"]*(javascript|evil\.example|data:)/i);
      expect(res.body).toContain('http://user:pass@evil.example/');
    }
  });
});
