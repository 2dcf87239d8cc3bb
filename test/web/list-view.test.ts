// The compact list view: a visitor's choice in a cookie, a member's with their account; lists cached
// once per view and never handed to someone who chose the other; the switch refuses other sites,
// stale member forms, unknown views and return paths off the site.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { buildApp } from '../../src/web/server.ts';
import { makeMember, signedIn } from '../support/members.ts';
import { dom, text } from '../support/pages.ts';
import { buildStore, FIXTURES, type TestStore } from '../support/store.ts';

const DAY = '2026-06-02';
const LIST = `/papers/date/${DAY}`;
let t: TestStore;
let app: FastifyInstance;

beforeAll(async () => {
  t = await buildStore();
  await importFiles(t.store.db, [join(FIXTURES, 'hf-daily', `${DAY}.json`)]);
  app = await buildApp(t.config, t.store, { logger: false });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await t?.cleanup();
});

const get = (url: string, cookie?: string) => app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/view',
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

function shape(body: string) {
  const root = dom(body);
  return {
    compact: root.querySelector('[data-paper-list]')?.classList.contains('papers--compact') ?? false,
    abstracts: root.querySelectorAll('.paper__abstract').length,
    thumbs: root.querySelectorAll('.paper__thumb').length,
    papers: root.querySelectorAll('[data-paper-item]').length,
    pressed: text(root.querySelector('.view-toggle [aria-pressed="true"]')),
    returnTo: root.querySelector('.view-toggle input[name="return_to"]')?.getAttribute('value'),
  };
}

describe('list view', () => {
  it('a visitor switches to compact and back; the page is lighter and the choice is remembered', async () => {
    const full = await get(LIST);
    const f = shape(full.body);
    expect(f).toMatchObject({ compact: false, pressed: 'Full', returnTo: LIST });
    expect(f.abstracts).toBe(f.papers);
    expect(f.papers).toBeGreaterThan(5);

    const chose = await post({ view: 'compact', return_to: LIST }, { 'sec-fetch-site': 'same-origin' });
    expect(chose.statusCode).toBe(303);
    expect(chose.headers.location).toBe(LIST);
    const cookie = chose.cookies.find((c) => c.name === 'folio_view');
    expect(cookie).toMatchObject({ value: 'compact', httpOnly: true, sameSite: 'Lax', path: '/' });

    const compact = await get(LIST, `folio_view=${cookie?.value}`);
    const c = shape(compact.body);
    expect(c).toMatchObject({ compact: true, pressed: 'Compact', abstracts: 0, thumbs: 0, papers: f.papers });
    expect(compact.body.length).toBeLessThan(full.body.length * 0.8);
    // The cached full page is still what others get, and the compact one has its own validator.
    expect(shape((await get(LIST)).body).compact).toBe(false);
    expect(compact.headers.etag).not.toBe(full.headers.etag);
    expect(String(compact.headers.vary)).toMatch(/Cookie/);

    // Trending lists follow the same choice.
    expect(shape((await get('/papers/trending', 'folio_view=compact')).body).pressed).toBe('Compact');
    // A cookie with anything else is the default view.
    expect(shape((await get(LIST, 'folio_view=%3Cscript%3E')).body).compact).toBe(false);
  });

  it('refuses a switch from another site, an unknown view, and a return path off the site', async () => {
    const cross = await post({ view: 'compact', return_to: LIST }, { 'sec-fetch-site': 'cross-site' });
    expect(cross.statusCode).toBe(403);
    expect(cross.cookies.find((c) => c.name === 'folio_view')).toBeUndefined();
    const origin = await post({ view: 'compact' }, { origin: 'https://evil.example' });
    expect(origin.statusCode).toBe(403);
    const unknown = await post({ view: 'tiny', return_to: LIST });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.cookies.find((c) => c.name === 'folio_view')).toBeUndefined();
    for (const away of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const r = await post({ view: 'compact', return_to: away });
      expect(r.statusCode).toBe(303);
      expect(r.headers.location).toBe('/papers');
    }
  });

  it("a member's choice is kept with the account and needs the session's token", async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    // The toggle on the cached page carries the member's token.
    const page = await get(LIST, b.cookie);
    expect(dom(page.body).querySelector('.view-toggle input[name="_csrf"]')?.getAttribute('value')).toBe(b.csrf);

    const stale = await post({ view: 'compact', return_to: LIST }, { cookie: b.cookie });
    expect(stale.statusCode).toBe(403);
    const stored = () => t.store.db.selectFrom('accounts').select('list_view').where('user_id', '=', m.id).executeTakeFirstOrThrow();
    expect((await stored()).list_view).toBe('full');

    const ok = await post({ view: 'compact', return_to: LIST, _csrf: b.csrf }, { cookie: b.cookie });
    expect(ok.statusCode).toBe(303);
    expect((await stored()).list_view).toBe('compact');
    // Another device: a new session, no view cookie, the same choice.
    const other = await signedIn(t.store, m.id);
    const c = shape((await get(LIST, other.cookie)).body);
    expect(c).toMatchObject({ compact: true, pressed: 'Compact', abstracts: 0 });
    // The member's setting wins over a cookie left from signed-out browsing.
    expect(shape((await get(LIST, `${other.cookie}; folio_view=full`)).body).compact).toBe(true);

    // The same choice in Settings: the stored one is checked, and saving it comes back there.
    const settings = dom((await get('/settings', other.cookie)).body);
    const form = settings.querySelector('#reading form[action="/view"]');
    expect(form?.querySelector('input[name="view"][checked]')?.getAttribute('value')).toBe('compact');
    const back = form?.querySelector('input[name="return_to"]')?.getAttribute('value') as string;
    const saved = await post({ view: 'full', return_to: back, _csrf: other.csrf }, { cookie: other.cookie });
    expect(saved.headers.location).toBe('/settings?view=1#reading');
    expect((await stored()).list_view).toBe('full');
    expect(text(dom((await get('/settings?view=1', other.cookie)).body).querySelector('.notice--ok'))).toMatch(/Saved/);
  });
});
