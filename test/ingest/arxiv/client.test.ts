import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lookupArxivIds } from '../../../src/ingest/arxiv/client.ts';
import { ArxivApiError, ArxivHttpError, AtomParseError, InvalidArxivIdError } from '../../../src/ingest/arxiv/errors.ts';
import { loadListingsCorpus } from '../../support/arxiv-standin/corpus.ts';
import { ARXIV_API_DATA_DIR, type ArxivStandin, type StandinOptions, startArxivStandin } from '../../support/arxiv-standin/server.ts';

let servers: ArxivStandin[] = [];
async function standin(opts: StandinOptions = {}): Promise<ArxivStandin> {
  const s = await startArxivStandin(opts);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const noWait = { delayMs: 0, backoffMs: 1 };

describe('lookupArxivIds against recorded answers', () => {
  it('looks one id up', async () => {
    const s = await standin();
    const r = await lookupArxivIds(['1707.08567'], { endpoint: s.apiUrl, ...noWait });
    expect(r.missing).toEqual([]);
    expect(r.papers).toHaveLength(1);
    expect(r.papers[0]).toMatchObject({
      id: '1707.08567',
      version: 1,
      title: 'Proceedings of Workshop AEW10: Concepts in Information Theory and Communications',
    });
    expect(r.papers[0]?.authors.map((a) => a.name)).toContain('Dirk Wübben');
    expect(r.entries[0]?.links).toEqual({ abs: 'https://arxiv.org/abs/1707.08567v1', pdf: 'https://arxiv.org/pdf/1707.08567v1' });
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]?.params).toMatchObject({ id_list: '1707.08567', max_results: '1' });
    expect(s.requests[0]?.servedBy).toMatch(/id_1707\.08567_s0_m100/);
  });

  it('reports the ids arXiv did not return', async () => {
    const s = await standin();
    const r = await lookupArxivIds(['0808.05394', 'https://arxiv.org/abs/1707.08567'], { endpoint: s.apiUrl, ...noWait });
    expect(r.papers.map((p) => p.id)).toEqual(['1707.08567']);
    expect(r.missing).toEqual(['0808.05394']);
    expect(s.requests[0]?.params.id_list).toBe('0808.05394,1707.08567');
  });

  it('normalises every accepted id form and asks for the version named', async () => {
    const s = await standin();
    const r = await lookupArxivIds(['arXiv:2104.12255v1'], { endpoint: s.apiUrl, ...noWait });
    expect(s.requests[0]?.params.id_list).toBe('2104.12255v1');
    expect(r.papers[0]).toMatchObject({ id: '2104.12255', version: 1, title: '0' });
    const old = await lookupArxivIds(['astro-ph/0601001'], { endpoint: s.apiUrl, ...noWait });
    expect(old.papers[0]?.authors[0]).toEqual({ name: 'Andrew Gould', affiliation: 'Ohio State' });
  });

  it('an empty answer: everything missing', async () => {
    const s = await standin();
    const r = await lookupArxivIds(['0808.05394'], { endpoint: s.apiUrl, ...noWait });
    expect(s.requests[0]?.servedBy).toMatch(/id_0808\.05394_s0_m100/);
    expect(r.papers).toEqual([]);
    expect(r.missing).toEqual(['0808.05394']);
  });
});

describe('lookupArxivIds: errors', () => {
  it('refuses ids that are not arXiv ids before sending anything', async () => {
    const s = await standin();
    const err = await lookupArxivIds(['2401.12345', 'abc', 'hello/1234567'], { endpoint: s.apiUrl, ...noWait }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidArxivIdError);
    expect(err.invalid).toEqual(['abc', 'hello/1234567']);
    expect(s.requests).toHaveLength(0);
  });

  it('the HTTP 400 error feed becomes an ArxivApiError', async () => {
    const recorded = JSON.parse(
      readFileSync(join(ARXIV_API_DATA_DIR, 'atom/lukasschwab_arxiv.py_2026_recorded/id_abc_s0_m100_b79c8dcf6bc3.json'), 'utf8'),
    ) as { body: string };
    const s = await standin({
      faults: [{ when: [1], fault: { kind: 'status', status: 400, body: recorded.body, contentType: 'application/atom+xml' } }],
    });
    const err = await lookupArxivIds(['2401.12345'], { endpoint: s.apiUrl, ...noWait }).catch((e) => e);
    expect(err).toBeInstanceOf(ArxivApiError);
    expect(err).toMatchObject({ status: 400, detail: 'incorrect id format for abc' });
    expect(s.requests).toHaveLength(1);
  });

  it('an HTML error page with a 4xx status is an ArxivHttpError; with 200 an AtomParseError', async () => {
    const s = await standin({
      faults: [
        { when: [1], fault: { kind: 'status', status: 404, body: '<html><body>Not Found</body></html>', contentType: 'text/html' } },
        {
          when: [2],
          fault: { kind: 'status', status: 200, body: '<!DOCTYPE html><html><body>Maintenance</body></html>', contentType: 'text/html' },
        },
      ],
    });
    await expect(lookupArxivIds(['2401.12345'], { endpoint: s.apiUrl, ...noWait })).rejects.toMatchObject({
      name: 'ArxivHttpError',
      status: 404,
    });
    await expect(lookupArxivIds(['2401.12345'], { endpoint: s.apiUrl, ...noWait })).rejects.toBeInstanceOf(AtomParseError);
  });

  it('retries 503 (Retry-After) and a dropped connection', async () => {
    const s = await standin({
      faults: [
        { when: [1], fault: { kind: 'unavailable', retryAfter: '2' } },
        { when: [2], fault: { kind: 'drop' } },
      ],
    });
    const sleeps: number[] = [];
    const r = await lookupArxivIds(['1605.08386'], {
      endpoint: s.apiUrl,
      delayMs: 0,
      backoffMs: 3,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(r.papers[0]).toMatchObject({ id: '1605.08386', title: 'Heat-bath random walks with Markov bases' });
    expect(sleeps).toEqual([2000, 6]);
    expect(s.requests.map((q) => q.fault)).toEqual(['unavailable', 'drop', undefined]);
  });

  it('times out on a server that never answers, then gives up', async () => {
    const s = await standin({ faults: [{ when: () => true, fault: { kind: 'hang' } }] });
    const t0 = performance.now();
    const err = await lookupArxivIds(['1605.08386'], { endpoint: s.apiUrl, timeoutMs: 150, maxRetries: 1, ...noWait }).catch((e) => e);
    expect(err).toBeInstanceOf(ArxivHttpError);
    expect(err.message).toMatch(/failed after 2 attempt\(s\).*timed out after 150 ms/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(s.requests).toHaveLength(2);
  });
});

describe('lookupArxivIds against the listings corpus', () => {
  it('looks up 250 ids in batches of 100, politely spaced, and returns what the corpus holds', async () => {
    const corpus = loadListingsCorpus().papers;
    const pick = corpus.filter((_, i) => i % 7 === 0).slice(0, 250);
    expect(pick).toHaveLength(250);
    const s = await standin({ corpus, replay: false });
    const r = await lookupArxivIds([...pick.map((p) => p.id), '2401.99999'], { endpoint: s.apiUrl, batchSize: 100, delayMs: 40 });
    expect(r.papers.map((p) => p.id)).toEqual(pick.map((p) => p.id));
    expect(r.missing).toEqual(['2401.99999']);
    for (const [i, p] of r.papers.entries()) {
      const src = pick[i];
      expect(p.title).toBe(src?.title.replace(/\s+/g, ' ').trim());
      expect(p.authors.map((a) => a.name)).toEqual(src?.authors.map((a) => a.replace(/\s+/g, ' ').trim()));
      expect(p.categories).toEqual(src?.categories);
    }
    expect(s.requests.map((q) => q.params.id_list?.split(',').length)).toEqual([100, 100, 51]);
    for (let i = 1; i < s.requests.length; i++) expect((s.requests[i]?.at ?? 0) - (s.requests[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(40);
  }, 60_000);
});
