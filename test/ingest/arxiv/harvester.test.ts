import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseArxivAtom } from '../../../src/ingest/arxiv/atom.ts';
import { ArxivHttpError, ArxivIngestError, OaiParseError, OaiProtocolError } from '../../../src/ingest/arxiv/errors.ts';
import {
  type HarvestEvent,
  type HarvestOptions,
  type HarvestState,
  harvestOaiPmh,
  listRecordsUrl,
  newHarvestState,
} from '../../../src/ingest/arxiv/harvester.ts';
import { type OaiPage, parseOaiPmh } from '../../../src/ingest/arxiv/oai-pmh.ts';
import { LISTINGS_DIR, loadListingsCorpus } from '../../support/arxiv-standin/corpus.ts';
import { type ArxivStandin, type StandinOptions, startArxivStandin } from '../../support/arxiv-standin/server.ts';
import { describeShared, sharedData } from '../../support/shared-data.ts';
import { expectedIds, listingDatestamps } from './listings-truth.ts';

// A two-day window of the fixture listings and a small page size: a few pages.
const FROM = '2025-04-07';
const UNTIL = '2025-04-08';

let servers: ArxivStandin[] = [];
async function standin(opts: StandinOptions = {}): Promise<ArxivStandin> {
  const s = await startArxivStandin({ corpus: 'listings', pageSize: 60, ...opts });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

beforeAll(() => {
  loadListingsCorpus();
  listingDatestamps();
}, 60_000);

/** Runs a harvest that keeps what onPage received, as the caller's database would. */
function collector() {
  const pages: { page: OaiPage; state: HarvestState }[] = [];
  const ids: string[] = [];
  return {
    pages,
    ids,
    onPage: async (page: OaiPage, state: HarvestState) => {
      pages.push({ page, state });
      ids.push(...page.records.map((r) => r.id));
    },
  };
}

const fakeSleep = () => {
  const calls: number[] = [];
  return { calls, sleep: async (ms: number) => void calls.push(ms) };
};

const base = (s: ArxivStandin): Pick<HarvestOptions, 'endpoint' | 'metadataPrefix' | 'from' | 'until' | 'delayMs' | 'maxRetries'> => ({
  endpoint: s.oaiUrl,
  metadataPrefix: 'arXiv',
  from: FROM,
  until: UNTIL,
  delayMs: 0,
  maxRetries: 3,
});

const sorted = (a: string[]) => [...a].sort();

/** Harvests every paper of the listings in `dir` through the stand-in, and checks it against the files. */
async function harvestWhole(dir: string, pageSize: number): Promise<void> {
  const s = await standin({ corpus: loadListingsCorpus(dir).papers, pageSize });
  const c = collector();
  const final = await harvestOaiPmh({ endpoint: s.oaiUrl, metadataPrefix: 'arXiv', delayMs: 0, maxRetries: 2, onPage: c.onPage });
  const truth = listingDatestamps(dir);
  expect(c.ids.length).toBe(truth.size);
  expect(new Set(c.ids).size).toBe(truth.size);
  expect(sorted(c.ids)).toEqual([...truth.keys()].sort());
  expect(c.pages).toHaveLength(Math.ceil(truth.size / pageSize));
  expect(c.pages.length).toBeGreaterThan(2);
  expect(c.pages.every((p) => p.page.skipped.length === 0)).toBe(true);
  // Every record is stamped with its listing date, and has a title.
  const wrong = c.pages.flatMap(({ page }) => page.records.filter((r) => r.stamp !== `${truth.get(r.id)}T00:00:00.000Z` || r.title === ''));
  expect(wrong).toEqual([]);
  expect(final).toMatchObject({
    done: true,
    pages: c.pages.length,
    records: truth.size,
    skipped: 0,
    completeListSize: truth.size,
    datestampOrdered: true,
    lastDatestamp: [...truth.values()].sort().at(-1),
  });
  expect(final.resumptionToken).toBeUndefined();
  // One request per page, the first with the arguments, the others with the token alone.
  expect(s.requests).toHaveLength(c.pages.length);
  expect(s.requests[0]?.params).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXiv' });
  expect(s.requests.slice(1).every((r) => Object.keys(r.params).sort().join() === 'resumptionToken,verb')).toBe(true);
}

// About 20 s on an idle machine (saxes parses ~15 MB/s).
describeShared('harvester on the whole shared listings', () => {
  it('harvests all ~71,700 papers through their resumption tokens, exactly', async () => {
    const dir = join(sharedData(), 'arxiv-listings');
    expect(listingDatestamps(dir).size).toBeGreaterThan(71_000);
    await harvestWhole(dir, 2500);
  }, 180_000);
});

describe('harvester against the stand-in', () => {
  it('harvests the whole fixture listings through their resumption tokens, exactly', () => harvestWhole(LISTINGS_DIR, 100));

  it('follows tokens across pages within from/until and gets exactly the served set, politely spaced', async () => {
    const s = await standin();
    const c = collector();
    const final = await harvestOaiPmh({ ...base(s), delayMs: 50, onPage: c.onPage });
    const want = expectedIds(FROM, UNTIL);
    expect(want).toHaveLength(299);
    expect(sorted(c.ids)).toEqual(want);
    expect(c.pages).toHaveLength(5);
    expect(final).toMatchObject({ done: true, pages: 5, records: 299, skipped: 0, from: FROM, until: UNTIL, lastDatestamp: UNTIL });
    // The state handed with each page carries the token of the next page; the last one none.
    expect(c.pages.map((p) => p.state.pages)).toEqual([1, 2, 3, 4, 5]);
    expect(c.pages.slice(0, 4).every((p) => p.state.resumptionToken === p.page.resumptionToken?.token)).toBe(true);
    expect(c.pages[4]?.state).toMatchObject({ done: true });
    expect(c.pages[4]?.state.resumptionToken).toBeUndefined();
    expect(c.pages.map((p) => p.page.list?.cursor)).toEqual([0, 60, 120, 180, 240]);
    // The server's view: consecutive requests at least 50 ms apart.
    expect(s.requests).toHaveLength(5);
    expect(s.requests[0]?.params).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXiv', from: FROM, until: UNTIL });
    for (let i = 1; i < s.requests.length; i++) {
      expect((s.requests[i]?.at ?? 0) - (s.requests[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(50);
    }
  });

  it('honours a set', async () => {
    const s = await standin({ pageSize: 1000 });
    const c = collector();
    await harvestOaiPmh({ ...base(s), from: '2025-04-01', until: '2025-04-10', set: 'eess', onPage: c.onPage });
    expect(c.ids.length).toBeGreaterThan(0);
    expect(sorted(c.ids)).toEqual(sorted(s.listIds({ from: '2025-04-01', until: '2025-04-10', set: 'eess' })));
    for (const { page } of c.pages) for (const r of page.records) expect(r.categories?.some((x) => x.startsWith('eess.'))).toBe(true);
    expect(s.requests[0]?.params.set).toBe('eess');
  });

  it('waits as long as a 503 Retry-After asks (seconds), then goes on', async () => {
    const s = await standin({ faults: [{ when: [2], fault: { kind: 'unavailable', retryAfter: '1' } }] });
    const c = collector();
    const events: HarvestEvent[] = [];
    await harvestOaiPmh({ ...base(s), delayMs: 20, backoffMs: 10, onPage: c.onPage, onEvent: (e) => events.push(e) });
    expect(sorted(c.ids)).toEqual(expectedIds(FROM, UNTIL));
    expect(s.requests.map((r) => r.status)).toEqual([200, 503, 200, 200, 200, 200]);
    // The retry is the same URL, a second later by the server's clock.
    expect(s.requests[2]?.url).toBe(s.requests[1]?.url);
    expect((s.requests[2]?.at ?? 0) - (s.requests[1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(events.filter((e) => e.type === 'retry')).toMatchObject([{ info: { attempt: 1, status: 503, waitMs: 1000 } }]);
  });

  it('honours a Retry-After given as an HTTP date, and caps what it waits', async () => {
    const when = new Date(Date.now() + 3_600_000).toUTCString();
    const s = await standin({
      faults: [
        { when: [1], fault: { kind: 'unavailable', retryAfter: when } },
        { when: [3], fault: { kind: 'unavailable', retryAfter: '7' } },
      ],
    });
    const { calls, sleep } = fakeSleep();
    const c = collector();
    await harvestOaiPmh({ ...base(s), delayMs: 5, sleep, maxRetryAfterMs: 60_000, onPage: c.onPage });
    expect(sorted(c.ids)).toEqual(expectedIds(FROM, UNTIL));
    // An hour is asked for, the cap is a minute; then the polite delay; then 7 s; then polite delays.
    expect(calls).toEqual([60_000, 5, 7000, 5, 5, 5]);
  });

  it('retries a connection dropped mid-response', async () => {
    const s = await standin({ faults: [{ when: [3], fault: { kind: 'drop' } }] });
    const c = collector();
    const events: HarvestEvent[] = [];
    await harvestOaiPmh({ ...base(s), backoffMs: 10, onPage: c.onPage, onEvent: (e) => events.push(e) });
    expect(sorted(c.ids)).toEqual(expectedIds(FROM, UNTIL));
    expect(c.pages).toHaveLength(5);
    expect(s.requests.map((r) => r.fault)).toEqual([undefined, undefined, 'drop', undefined, undefined, undefined]);
    expect(s.requests[3]?.url).toBe(s.requests[2]?.url);
    const retry = events.find((e) => e.type === 'retry');
    expect(retry?.type === 'retry' && retry.info.reason).toMatch(/broke off|terminated|socket/i);
  });

  it('retries 5xx with exponential backoff, then gives up with ArxivHttpError', async () => {
    const s = await standin({ faults: [{ when: () => true, fault: { kind: 'status', status: 502, body: 'Bad Gateway' } }] });
    const { calls, sleep } = fakeSleep();
    const err = await harvestOaiPmh({ ...base(s), delayMs: 1, backoffMs: 100, maxRetries: 4, sleep, onPage: async () => {} }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ArxivHttpError);
    expect(err).toMatchObject({ status: 502, attempts: 5 });
    expect(err.message).toMatch(/failed after 5 attempt\(s\): HTTP 502/);
    expect(calls).toEqual([100, 200, 400, 800]);
    expect(s.requests).toHaveLength(5);
  });

  it('retries network errors (nothing listening) and says so', async () => {
    const s = await standin();
    const endpoint = s.oaiUrl;
    await s.close();
    servers = [];
    const { calls, sleep } = fakeSleep();
    const err = await harvestOaiPmh({
      endpoint,
      metadataPrefix: 'arXiv',
      delayMs: 0,
      maxRetries: 2,
      backoffMs: 5,
      sleep,
      onPage: async () => {},
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ArxivHttpError);
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/ECONNREFUSED|fetch failed/);
    expect(calls).toEqual([5, 10]);
  });

  it('does not retry a status that will not change (403), and does not call onPage', async () => {
    const s = await standin({
      faults: [
        { when: [1], fault: { kind: 'status', status: 403, body: '<html><body>Forbidden</body></html>', contentType: 'text/html' } },
      ],
    });
    const c = collector();
    const err = await harvestOaiPmh({ ...base(s), onPage: c.onPage }).catch((e) => e);
    expect(err).toBeInstanceOf(ArxivHttpError);
    expect(err).toMatchObject({ status: 403 });
    expect(s.requests).toHaveLength(1);
    expect(c.pages).toHaveLength(0);
  });

  it('stops reading a page larger than maxBytes', async () => {
    const s = await standin();
    const err = await harvestOaiPmh({ ...base(s), maxBytes: 20_000, onPage: async () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ArxivHttpError);
    expect(err.message).toMatch(/larger than 20000 bytes/);
    expect(s.requests).toHaveLength(1);
  });

  it('a malformed page stops the harvest with OaiParseError; the stored state resumes it', async () => {
    const s = await standin({ faults: [{ when: [3], fault: { kind: 'malformed' } }] });
    const c = collector();
    const err = await harvestOaiPmh({ ...base(s), onPage: c.onPage }).catch((e) => e);
    expect(err).toBeInstanceOf(OaiParseError);
    expect(err.message).toMatch(/ends early|not well-formed/);
    expect(err.message).toContain(s.oaiUrl);
    // Not retried: the same malformed answer would come back.
    expect(s.requests).toHaveLength(3);
    expect(c.pages).toHaveLength(2);
    const saved = JSON.parse(JSON.stringify(c.pages[1]?.state)) as HarvestState;
    expect(saved).toMatchObject({ pages: 2, records: 120, done: false });
    await harvestOaiPmh({ ...base(s), state: saved, onPage: c.onPage });
    expect(sorted(c.ids)).toEqual(expectedIds(FROM, UNTIL));
    // The resumed run asked for the page that was malformed, with the same token.
    expect(s.requests[3]?.url).toBe(s.requests[2]?.url);
  });

  it('noRecordsMatch is an empty, finished harvest', async () => {
    const s = await standin();
    const c = collector();
    const final = await harvestOaiPmh({ ...base(s), from: '2001-01-01', until: '2001-01-31', onPage: c.onPage });
    expect(final).toMatchObject({ done: true, records: 0, pages: 1 });
    expect(c.pages).toHaveLength(1);
    expect(c.pages[0]?.page).toMatchObject({ records: [], error: { code: 'noRecordsMatch' } });
    expect(c.pages[0]?.state.done).toBe(true);
    // An unknown set says the same thing.
    const c2 = collector();
    await harvestOaiPmh({ ...base(s), set: 'moo', onPage: c2.onPage });
    expect(c2.pages[0]?.page.error?.code).toBe('noRecordsMatch');
  });

  it('badResumptionToken restarts from the last stored datestamp when the list comes in datestamp order', async () => {
    const s = await standin({ pageSize: 100 });
    const c = collector();
    const events: HarvestEvent[] = [];
    const final = await harvestOaiPmh({
      ...base(s),
      onEvent: (e) => events.push(e),
      onPage: async (page, state) => {
        await c.onPage(page, state);
        // The repository forgets its tokens after the second page.
        if (state.pages === 2) s.invalidateTokens();
      },
    });
    const truth = listingDatestamps();
    const lastBefore = c.pages[1]?.state.lastDatestamp;
    const seenDays = c.pages.slice(0, 2).flatMap((p) => p.page.records.map((r) => truth.get(r.id) ?? ''));
    expect(lastBefore).toBe(seenDays.sort().at(-1));
    expect(lastBefore).toBe('2025-04-08');
    expect(s.requests[2]?.params.resumptionToken).toBeDefined();
    expect(s.requests[3]?.params).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXiv', from: lastBefore, until: UNTIL });
    expect(events.filter((e) => e.type === 'restart')).toMatchObject([{ from: lastBefore, reason: /badResumptionToken/ }]);
    expect(final).toMatchObject({ done: true, restarts: 1, listFrom: lastBefore });
    // Records of that day come again (harmless upserts); nothing is missing.
    expect(sorted([...new Set(c.ids)])).toEqual(expectedIds(FROM, UNTIL));
    expect(final.records).toBeGreaterThan(expectedIds(FROM, UNTIL).length);
  });

  it("badResumptionToken restarts from the harvest's own from when the list is not in datestamp order", async () => {
    // Like arXiv: listed in identifier order, so datestamps come mixed (here from the first page on).
    const s = await standin({ pageSize: 150, order: 'id' });
    const c = collector();
    const final = await harvestOaiPmh({
      ...base(s),
      from: '2025-04-01',
      until: '2025-04-10',
      onPage: async (page, state) => {
        await c.onPage(page, state);
        if (state.pages === 2) s.invalidateTokens();
      },
    });
    expect(c.pages[0]?.page.datestamps?.ordered).toBe(false);
    expect(c.pages[1]?.state).toMatchObject({ datestampOrdered: false, lastDatestamp: '2025-04-10' });
    expect(s.requests[3]?.params).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXiv', from: '2025-04-01', until: '2025-04-10' });
    expect(final).toMatchObject({ done: true, restarts: 1, listFrom: '2025-04-01' });
    expect(sorted([...new Set(c.ids)])).toEqual(expectedIds('2025-04-01', '2025-04-10'));
  });

  it('gives up after maxRestarts when tokens keep failing', async () => {
    const s = await standin({ faults: [{ when: (r) => r.params.resumptionToken !== undefined, fault: { kind: 'badResumptionToken' } }] });
    const err = await harvestOaiPmh({ ...base(s), maxRestarts: 2, onPage: async () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(OaiProtocolError);
    expect(err.code).toBe('badResumptionToken');
    expect(s.requests).toHaveLength(6);
  });

  it('resumes a harvest killed at any point: before or after the page was stored', async () => {
    const s = await standin();
    const stored: { ids: string[]; state?: HarvestState } = { ids: [] };
    // The "database": a page and its state are stored together, or not at all.
    const store = async (page: OaiPage, state: HarvestState) => {
      stored.ids.push(...page.records.map((r) => r.id));
      stored.state = JSON.parse(JSON.stringify(state)) as HarvestState;
    };
    // Killed after storing page 2 (maxPages stops this call there).
    await harvestOaiPmh({ ...base(s), maxPages: 2, onPage: store });
    expect(stored.state).toMatchObject({ pages: 2, done: false });
    // Killed while storing page 3: the transaction fails, the stored state stays at page 2.
    const err = await harvestOaiPmh({
      ...base(s),
      state: stored.state,
      onPage: async () => {
        throw new Error('killed');
      },
    }).catch((e) => e);
    expect(err.message).toBe('killed');
    // Resumed: page 3 is asked for again with the same token, and the harvest completes.
    const final = await harvestOaiPmh({ ...base(s), state: stored.state, onPage: store });
    expect(s.requests[3]?.url).toBe(s.requests[2]?.url);
    expect(sorted(stored.ids)).toEqual(expectedIds(FROM, UNTIL));
    expect(final).toMatchObject({ done: true, pages: 5, records: 299 });
    // A finished state makes no request.
    const n = s.requests.length;
    await harvestOaiPmh({ ...base(s), state: final, onPage: store });
    expect(s.requests).toHaveLength(n);
  });

  it('refuses to resume a state with different arguments, and bad dates', async () => {
    const state = newHarvestState({ metadataPrefix: 'arXiv', from: FROM });
    await expect(
      harvestOaiPmh({
        endpoint: 'http://127.0.0.1:1/oai2',
        metadataPrefix: 'arXivRaw',
        delayMs: 0,
        maxRetries: 0,
        state,
        onPage: async () => {},
      }),
    ).rejects.toThrow(/metadataPrefix/);
    expect(() => newHarvestState({ metadataPrefix: 'arXiv', from: '2025-02-30' })).toThrow(ArxivIngestError);
  });

  it('other OAI errors are thrown as OaiProtocolError with the code', async () => {
    const s = await standin();
    const err = await harvestOaiPmh({ ...base(s), metadataPrefix: 'arXivRaw', onPage: async () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(OaiProtocolError);
    expect(err.code).toBe('cannotDisseminateFormat');
  });

  it('builds ListRecords URLs with resumptionToken as an exclusive argument', () => {
    const st = newHarvestState({ metadataPrefix: 'arXivRaw', set: 'physics:hep-th', from: '2024-01-01', until: '2024-01-31' });
    expect(listRecordsUrl('https://export.arxiv.org/oai2', st)).toBe(
      'https://export.arxiv.org/oai2?verb=ListRecords&metadataPrefix=arXivRaw&from=2024-01-01&until=2024-01-31&set=physics%3Ahep-th',
    );
    expect(listRecordsUrl('https://export.arxiv.org/oai2', { ...st, resumptionToken: '726959|1001' })).toBe(
      'https://export.arxiv.org/oai2?verb=ListRecords&resumptionToken=726959%7C1001',
    );
  });
});

describe('stand-in replaying the recorded responses', () => {
  it('serves recorded OAI-PMH responses that match the request, and its own errors otherwise', async () => {
    const s = await startArxivStandin();
    servers.push(s);
    const get = async (q: string) => (await fetch(`${s.oaiUrl}?${q}`)).text();
    expect(await get('verb=GetRecord&identifier=oai:arXiv.org:1302.2146&metadataPrefix=arXivRaw')).toContain(
      'The Same-Sign Dilepton Signature of RPV/MFV SUSY',
    );
    expect(await get('verb=ListRecords&from=2014-10-01&metadataPrefix=arXivRaw')).toContain('726959|1001');
    expect(await get('verb=wah')).toContain('code="badVerb"');
    expect(s.requests.map((r) => r.servedBy)).toEqual([
      'oaipmh/mikesaelim_arXivOAIHarvester_2015/GetRecordResponse.xml',
      'oaipmh/mikesaelim_arXivOAIHarvester_2015/ListRecordsResponse.xml',
      'error:badVerb',
    ]);
    // The harvester sees the recorded noRecordsMatch for set=moo as an empty harvest.
    const c = collector();
    const final = await harvestOaiPmh({
      endpoint: s.oaiUrl,
      metadataPrefix: 'arXivRaw',
      set: 'moo',
      delayMs: 0,
      maxRetries: 0,
      onPage: c.onPage,
    });
    expect(final.done).toBe(true);
    expect(c.pages[0]?.page.error?.message).toBe("Set argument doesn't match any sets. The setSpec was 'moo'");
  });

  it('serves Identify, GetRecord and the query API from its corpus, readable by the parsers', async () => {
    const s = await standin();
    const paper = s.corpus.find((p) => p.source === 'daydayarxiv' && p.created !== undefined);
    expect(paper).toBeDefined();
    if (!paper) return;
    const identify = parseOaiPmh(await (await fetch(`${s.oaiUrl}?verb=Identify`)).text());
    expect(identify.verb).toBe('Identify');
    const got = parseOaiPmh(
      await (await fetch(`${s.oaiUrl}?verb=GetRecord&metadataPrefix=arXiv&identifier=oai:arXiv.org:${paper.id}`)).text(),
    );
    expect(got.records[0]).toMatchObject({
      id: paper.id,
      title: paper.title.replace(/\s+/g, ' ').trim(),
      publishedAt: `${paper.created}T00:00:00.000Z`,
      stamp: `${paper.datestamp}T00:00:00.000Z`,
      categories: paper.categories,
    });
    const missing = parseOaiPmh(
      await (await fetch(`${s.oaiUrl}?verb=GetRecord&metadataPrefix=arXiv&identifier=oai:arXiv.org:0704.0001`)).text(),
    );
    expect(missing.error?.code).toBe('idDoesNotExist');
    const bad = parseOaiPmh(await (await fetch(`${s.oaiUrl}?verb=ListRecords&metadataPrefix=arXiv&resumptionToken=x`)).text());
    expect(bad.error?.code).toBe('badArgument');
  });

  it('replays recorded query-API searches by query and start', async () => {
    const s = await startArxivStandin();
    servers.push(s);
    const res = await fetch(`${s.apiUrl}?search_query=deep%20dream&id_list=&start=1&max_results=10`);
    const feed = parseArxivAtom(new Uint8Array(await res.arrayBuffer()));
    expect(feed.startIndex).toBe(1);
    expect(feed.entries[0]?.record.id).toBe('1511.08339');
    expect(s.requests[0]?.servedBy).toBe('atom/orijtech_arxiv_2017/deep_dream-1.atom');
  });
});
