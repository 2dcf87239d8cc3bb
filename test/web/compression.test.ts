// Compressed responses: cached pages compressed once per encoding and sent as stored, member pages and
// the API compressed per response, each representation with its own validator, small answers left as
// they are, and request bodies never decompressed.
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { addVary, COMPRESS_MIN_BYTES, chooseEncoding } from '../../src/web/compression.ts';
import { buildApp } from '../../src/web/server.ts';
import { makeMember, signedIn } from '../support/members.ts';
import { buildStore, FIXTURES, type TestStore } from '../support/store.ts';

const DAY = '2026-06-02';
let t: TestStore;
let app: FastifyInstance;

const raw = (r: LightMyRequestResponse) => r.rawPayload;
function decoded(r: LightMyRequestResponse): string {
  const enc = r.headers['content-encoding'];
  if (enc === 'br') return brotliDecompressSync(raw(r)).toString();
  if (enc === 'gzip') return gunzipSync(raw(r)).toString();
  return r.body;
}

beforeAll(async () => {
  t = await buildStore();
  await importFiles(t.store.db, [join(FIXTURES, 'hf-daily', `${DAY}.json`)]);
  app = await buildApp(t.config, t.store, { logger: false });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await t?.cleanup();
});

describe('choosing an encoding', () => {
  it('prefers brotli, then gzip, honours q=0, and leaves small bodies alone', () => {
    expect(chooseEncoding('gzip, deflate, br', 5000)).toBe('br');
    expect(chooseEncoding('gzip', 5000)).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip', 5000)).toBe('gzip');
    expect(chooseEncoding('identity', 5000)).toBeUndefined();
    expect(chooseEncoding('deflate', 5000)).toBeUndefined();
    expect(chooseEncoding(undefined, 5000)).toBeUndefined();
    expect(chooseEncoding('br', COMPRESS_MIN_BYTES - 1)).toBeUndefined();
    expect(chooseEncoding('*', 5000)).toBe('br');
  });

  it('adds a Vary token once', () => {
    expect(addVary(undefined, 'Accept-Encoding')).toBe('Accept-Encoding');
    expect(addVary('Cookie', 'Accept-Encoding')).toBe('Cookie, Accept-Encoding');
    expect(addVary('Cookie, accept-encoding', 'Accept-Encoding')).toBe('Cookie, accept-encoding');
  });
});

describe('compressed responses', () => {
  it('send a cached list page in brotli or gzip, the same page as uncompressed, several times smaller', async () => {
    const plain = await app.inject({ url: `/papers?date=${DAY}` });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const enc of ['br', 'gzip'] as const) {
      for (let i = 0; i < 2; i++) {
        // The second request is a cache hit: the stored compressed bytes.
        const r = await app.inject({ url: `/papers?date=${DAY}`, headers: { 'accept-encoding': enc } });
        expect(r.statusCode).toBe(200);
        expect(r.headers['content-encoding']).toBe(enc);
        expect(String(r.headers.vary)).toMatch(/Accept-Encoding/i);
        expect(String(r.headers.vary)).toMatch(/Cookie/i);
        expect(decoded(r)).toBe(plain.body);
        expect(raw(r).length * 4).toBeLessThan(raw(plain).length);
        expect(Number(r.headers['content-length'])).toBe(raw(r).length);
      }
    }
  });

  it('give each representation its own validator, and a 304 only for the one the client holds', async () => {
    const url = `/papers?date=${DAY}`;
    const plain = await app.inject({ url });
    const br = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    const tags = new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]);
    expect(tags.size).toBe(3);
    const again = await app.inject({ url, headers: { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const other = await app.inject({ url, headers: { 'accept-encoding': 'br', 'if-none-match': String(plain.headers.etag) } });
    expect(other.statusCode).toBe(200);
    expect(other.headers['content-encoding']).toBe('br');
  });

  it('compress a member’s own copy of a page and the JSON API per response', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const page = await app.inject({ url: `/papers?date=${DAY}`, headers: { cookie: b.cookie, 'accept-encoding': 'gzip' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.headers['cache-control']).toMatch(/private/);
    expect(decoded(page)).toContain(m.username);
    const api = await app.inject({ url: `/api/daily_papers?date=${DAY}`, headers: { 'accept-encoding': 'br' } });
    expect(api.statusCode).toBe(200);
    expect(api.headers['content-encoding']).toBe('br');
    expect(Array.isArray(JSON.parse(decoded(api)))).toBe(true);
  });

  it('leave a small answer as it is', async () => {
    const r = await app.inject({ url: '/healthz', headers: { 'accept-encoding': 'br, gzip' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
  });

  it('never decompress a request body: a gzip-encoded form is refused and changes nothing', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const form = new URLSearchParams({ _csrf: b.csrf, body: 'hello' }).toString();
    const before = await t.store.db
      .selectFrom('comments')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const paper = (await t.store.db.selectFrom('papers').select('id').limit(1).executeTakeFirstOrThrow()).id;
    const post = (payload: string | Buffer, extra: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: `/papers/${paper}/comments`,
        headers: { cookie: b.cookie, 'content-type': 'application/x-www-form-urlencoded', ...extra },
        payload,
      });
    const count = async () =>
      Number(
        (
          await t.store.db
            .selectFrom('comments')
            .select((e) => e.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    // The same form as it is posts a comment (so the refusal below is about the encoding).
    expect((await post(form)).statusCode).toBeLessThan(400);
    expect(await count()).toBe(Number(before.n) + 1);
    const r = await post(gzipSync(form), { 'content-encoding': 'gzip' });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(await count()).toBe(Number(before.n) + 1);
  });
});
