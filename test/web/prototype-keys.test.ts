// Keys that every plain object has (`constructor`, `__proto__`, `toString`...) given where a parameter
// names one of a few values: each is refused with a 400 that says what is expected, never taken for
// a value by an object lookup, and never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.cleanup();
});

const KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('object-prototype keys as parameter values', () => {
  it('are refused with a clear 400 by the API and pages that take a named value', async () => {
    const urls = (k: string) =>
      [
        [`/api/daily_papers?sort=${k}`, /sort/],
        [`/api/daily_papers?date=${k}`, /date/],
        [`/api/daily_papers?week=${k}`, /week/],
        [`/api/daily_papers?month=${k}`, /month/],
        [`/api/papers/search?q=x&mode=${k}`, /mode/],
        [`/api/papers/search?q=x&hasCode=${k}`, /hasCode/],
      ] as const;
    for (const k of KEYS) {
      for (const [url, re] of urls(k)) {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(400);
        expect(res.body, url).toMatch(re);
      }
    }
  });

  it('never break a page or a feed (a 400 or 404, or the value left out with a warning)', async () => {
    for (const k of KEYS) {
      for (const url of [
        `/search?q=x&mode=${k}`,
        `/papers/week/${k}`,
        `/papers/month/${k}`,
        `/papers/date/${k}`,
        `/feeds/${k}.rss`,
        `/trending?p=${k}`,
        `/papers?p=${k}`,
        `/settings?${k}=1`,
        `/signin?return_to=${k}`,
      ]) {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBeLessThan(500);
      }
    }
  });
});
