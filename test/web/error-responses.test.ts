// Every error answer is the site's own: its HTML error page (or, under /api/, a JSON error) with the
// security headers, whatever produced it: a route (404, 413, 500), the router (400, 414) or Node's
// parser (431). And a return address that does not fit a header (`/%E3%80%80`) is encoded in the one
// place return addresses are checked, so signing in with it redirects instead of failing with a 500.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/web/auth.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/web/security-headers.ts';
import { anonymousForm, cookieFrom, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { dom, text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await buildTestApp();
  // Routes that fail the way a bug would, to see the 500 answers.
  t.app.get('/test-failure', async () => {
    throw new Error('a bug');
  });
  t.app.get('/api/test-failure', async () => {
    throw new Error('a bug');
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => t.cleanup());

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over a real connection (Node's parser answers some before Fastify sees them). */
function raw(path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const r = request({ port, host: '127.0.0.1', path, method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    r.on('error', reject);
    r.end(o.body);
  });
}

function expectSiteError(res: Raw, status: number, kind: 'html' | 'json', what: string): void {
  expect(res.status, what).toBe(status);
  expect(res.headers['content-security-policy'], what).toBe(CONTENT_SECURITY_POLICY);
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['x-frame-options'], what).toBe('DENY');
  expect(res.headers['cross-origin-opener-policy'], what).toBe('same-origin');
  if (kind === 'html') {
    expect(res.headers['content-type'], what).toMatch(/^text\/html/);
    expect(res.body, what).toContain('class="error-page"');
    expect(res.body, what).toContain(`Error ${status}`);
  } else {
    expect(res.headers['content-type'], what).toMatch(/^application\/json/);
    expect(typeof JSON.parse(res.body).error, what).toBe('string');
  }
}

describe('error answers', () => {
  it('404: page and JSON', async () => {
    expectSiteError(await raw('/no/such/page'), 404, 'html', '404 page');
    expectSiteError(await raw('/api/no-such-endpoint'), 404, 'json', '404 api');
  });

  it('413: a body over the limit', async () => {
    const body = `email=${'a'.repeat(70 * 1024)}`;
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) };
    expectSiteError(await raw('/signin', { method: 'POST', headers, body }), 413, 'html', '413 page');
    const json = { 'content-type': 'application/json', 'content-length': String(body.length + 2) };
    expectSiteError(await raw('/api/papers/submit', { method: 'POST', headers: json, body: `"${body}"` }), 413, 'json', '413 api');
  });

  it('414 and 400: addresses the router refuses', async () => {
    expectSiteError(await raw(`/authors/${'a'.repeat(600)}`), 414, 'html', '414 page');
    expectSiteError(await raw(`/api/papers/${'1'.repeat(600)}`), 414, 'json', '414 api');
    expectSiteError(await raw('/authors/%E3%80'), 400, 'html', 'bad escape');
  });

  it('431: headers over Node’s limit', async () => {
    expectSiteError(await raw(`/papers?q=${'a'.repeat(20_000)}`), 431, 'html', '431 page');
    expectSiteError(await raw(`/api/daily_papers?q=${'a'.repeat(20_000)}`), 431, 'json', '431 api');
  });

  it('500: page and JSON, without details', async () => {
    const page = await raw('/test-failure');
    expectSiteError(page, 500, 'html', '500 page');
    expect(page.body).not.toContain('a bug');
    expectSiteError(await raw('/api/test-failure'), 500, 'json', '500 api');
  });
});

describe('return addresses', () => {
  it('are encoded, or refused, in one place', () => {
    expect(safeReturnTo('/\u3000')).toBe('/%E3%80%80');
    expect(safeReturnTo('/papers?q=caf\u00e9#x')).toBe('/papers?q=caf%C3%A9#x');
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      '/\t/evil.example',
      '/a\nb',
      'papers',
      `/${'a'.repeat(600)}`,
    ]) {
      expect(safeReturnTo(bad), JSON.stringify(bad)).toBe('/papers');
    }
  });

  it('redirect a signed-in member instead of failing', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const res = await t.app.inject({ url: '/signin?return_to=/%E3%80%80', headers: { cookie: b.cookie } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/%E3%80%80');
  });

  it('let a sign-in succeed: the cookie arrives with the redirect', async () => {
    const m = await makeMember(t.store);
    const form = await anonymousForm(t.app, '/signin');
    const res = await postForm(t.app, '/signin', { email: m.email, password: m.password, return_to: '/\u3000' }, form);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/%E3%80%80');
    expect(cookieFrom(res, 'folio_session')).toBeDefined();
  });
});

describe('error pages for a member', () => {
  it('keep the member’s own header, and are not cached for others', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const page = await getPage(t.app, '/no-such-page', b);
    expect(page.status).toBe(404);
    expect(text(page.root.querySelector('nav.account'))).toContain(`@${m.username}`);
    expect(page.root.querySelector('nav.account a[href^="/signin"]')).toBeNull();
    expect(page.res.headers['cache-control']).toBe('no-store');
    // A visitor still gets the signed-out header.
    const visitor = await getPage(t.app, '/no-such-page');
    expect(visitor.root.querySelector('nav.account a[href^="/signin"]')).not.toBeNull();
  });

  it('say what to do when the address is not confirmed, with a link relative to the request', async () => {
    const m = await makeMember(t.store, { confirmed: false });
    const b = await signedIn(t.store, m.id);
    const res = await postForm(t.app, '/papers/2401.00001/comments', { body: 'a first comment' }, b);
    expect(res.statusCode).toBe(403);
    const root = dom(res.body);
    expect(text(root.querySelector('main'))).toContain('confirm your email address');
    expect(root.querySelector('main a[href="/settings#email"]')).not.toBeNull();
    expect(res.body).not.toContain('http://localhost');
    expect(text(root.querySelector('nav.account'))).toContain(`@${m.username}`);
  });
});

describe('echoed addresses', () => {
  it.each([
    '/authors/Visit%20https:%2F%2Fevil.example',
    '/authors/see%20http:%2F%2Fevil.example%2Fphish%3Fx%3D1',
    '/orgs/https:%2F%2Fevil.example',
  ])('%s: the error page says the name as text and links only to the site itself', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    const hrefs = [...res.body.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(hrefs.filter((h) => h.includes('evil.example'))).toEqual([]);
    expect(res.body).toContain('<a href="/papers">Today');
  });
});
