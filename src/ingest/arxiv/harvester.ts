// The OAI-PMH harvester core: ListRecords from arXiv (https://oaipmh.arxiv.org/oai), following resumption
// tokens, politely (arXiv asks for >= 3 s between requests), retrying what is worth retrying, and handing each
// page to the caller together with the state that resumes the harvest right after that page.
//
// ## The resumption contract
//
// - `onPage(page, state)` is called once per page, in order, after the page was read whole. `state` is what
//   the harvest looks like once this page is stored: the caller stores the page's papers AND `state` in one
//   database transaction. `state` is a fresh plain JSON-able object each time (safe to keep or serialise).
// - Killed at any moment, the harvest resumes from the last stored state (`harvestOaiPmh({..., state})`):
//   - killed before the transaction committed: the stored state is the previous one, so the same page is
//     asked for again (its token) and stored again; storing is an idempotent upsert, so nothing is lost or doubled.
//   - killed after it committed: the next page is asked for with the stored token.
// - If `onPage` throws, the harvest stops with that error; nothing after that page was requested.
// - The last page comes with `state.done === true` and no token. A done state makes no request; the next
//   incremental harvest starts with `newHarvestState({ ..., from: state.lastDatestamp })` (`from` is
//   inclusive, so the last day is read again, harmlessly).
// - `noRecordsMatch` is an empty, finished list: `onPage` gets an empty page (its `error` says noRecordsMatch)
//   with `state.done === true`, so the caller can record that the run finished.
// - `badResumptionToken` (tokens expire, e.g. after a long pause) restarts the list without a token: from
//   `state.lastDatestamp` when everything seen so far came in datestamp order (then nothing earlier can still
//   be missing), otherwise from the harvest's own `from` (arXiv lists in identifier order, so restarting in
//   the middle could skip records). Records seen again are upserted again; `records` counts deliveries.

import { ArxivHttpError, ArxivIngestError, OaiParseError, OaiProtocolError } from './errors.ts';
import { isoFromDatestamp } from './fields.ts';
import { type FetchLike, getWithRetry, Pacer, type RetryInfo, realSleep, type Sleep } from './http.ts';
import type { OaiPage } from './oai-pmh.ts';
import { parseOaiPmhStream } from './oai-pmh.ts';

export const ARXIV_OAI_ENDPOINT = 'https://oaipmh.arxiv.org/oai';
/** arXiv's asked-for minimum between two requests. */
export const ARXIV_POLITE_DELAY_MS = 3000;

export type HarvestMetadataPrefix = 'arXiv' | 'arXivRaw';

/** Everything needed to continue a harvest; plain JSON. */
export interface HarvestState {
  /** The OAI set (`cs`, `physics:hep-th`...), or undefined for the whole repository. */
  set?: string;
  metadataPrefix: HarvestMetadataPrefix;
  /** Inclusive bounds, `YYYY-MM-DD` (arXiv's datestamp granularity). */
  from?: string;
  until?: string;
  /** The token to ask for next; undefined: (re)start the list with from/until. */
  resumptionToken?: string;
  /** `from` of the list the current token belongs to (differs from `from` after a restart). */
  listFrom?: string;
  /** The greatest header datestamp seen in stored pages (`YYYY-MM-DD`). */
  lastDatestamp?: string;
  /** False once any page came out of datestamp order (then a restart cannot start from lastDatestamp). */
  datestampOrdered: boolean;
  /** Pages stored, records delivered, records skipped (deleted, invalid), since the harvest began. */
  pages: number;
  records: number;
  skipped: number;
  /** How many times the list was restarted after a badResumptionToken. */
  restarts: number;
  /** The server's completeListSize and cursor of the last page, when it sent them. */
  completeListSize?: number;
  cursor?: number;
  /** True once the whole list was read: nothing left to do. */
  done: boolean;
}

export type HarvestEvent =
  | { type: 'request'; url: string }
  | { type: 'retry'; info: RetryInfo }
  | { type: 'restart'; from?: string; reason: string }
  | { type: 'warning'; message: string };

export interface HarvestOptions {
  /** OAI-PMH base URL (default https://oaipmh.arxiv.org/oai, arXiv's current endpoint). */
  endpoint?: string;
  set?: string;
  from?: string;
  until?: string;
  metadataPrefix: HarvestMetadataPrefix;
  /** Polite delay between any two requests, retries included (arXiv: >= 3000). */
  delayMs: number;
  /** Retries of one request (network errors, timeouts, 429/5xx) before giving up. */
  maxRetries: number;
  /** Stores a page and the state after it, in one transaction (see the contract above). */
  onPage: (page: OaiPage, state: HarvestState) => Promise<void>;
  /** A stored state to continue from; its set/prefix/from/until win (and must agree with those given). */
  state?: HarvestState;
  fetch?: FetchLike;
  sleep?: Sleep;
  /** Per request, body included (default 120 s). */
  timeoutMs?: number;
  /** First retry backoff, doubling (default 5 s); a server's Retry-After is used instead when sent. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Ceiling of a Retry-After (default 15 min). */
  maxRetryAfterMs?: number;
  /** Largest page read, in bytes (default 256 MiB); a larger one throws ArxivHttpError. */
  maxBytes?: number;
  /** Restarts after badResumptionToken before giving up (default 3). */
  maxRestarts?: number;
  /** Stop after this many pages in this call (the state stays resumable); default: no limit. */
  maxPages?: number;
  signal?: AbortSignal;
  /** Requests, retries, restarts and oddities, for the caller's log. */
  onEvent?: (e: HarvestEvent) => void;
}

function checkDay(name: string, v: string | undefined): void {
  if (v !== undefined && !isoFromDatestamp(v)) throw new ArxivIngestError(`${name} must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
}

/** The state of a harvest that has not begun. */
export function newHarvestState(args: {
  set?: string;
  metadataPrefix: HarvestMetadataPrefix;
  from?: string;
  until?: string;
}): HarvestState {
  checkDay('from', args.from);
  checkDay('until', args.until);
  const s: HarvestState = {
    metadataPrefix: args.metadataPrefix,
    datestampOrdered: true,
    pages: 0,
    records: 0,
    skipped: 0,
    restarts: 0,
    done: false,
  };
  if (args.set !== undefined) s.set = args.set;
  if (args.from !== undefined) s.from = args.from;
  if (args.until !== undefined) s.until = args.until;
  return s;
}

/** The ListRecords URL for the state's next request. */
export function listRecordsUrl(endpoint: string, state: HarvestState): string {
  const u = new URL(endpoint);
  u.searchParams.set('verb', 'ListRecords');
  if (state.resumptionToken !== undefined) {
    // resumptionToken is an exclusive argument: nothing else may come with it.
    u.searchParams.set('resumptionToken', state.resumptionToken);
    return u.toString();
  }
  u.searchParams.set('metadataPrefix', state.metadataPrefix);
  const from = state.listFrom ?? state.from;
  if (from !== undefined) u.searchParams.set('from', from);
  if (state.until !== undefined) u.searchParams.set('until', state.until);
  if (state.set !== undefined) u.searchParams.set('set', state.set);
  return u.toString();
}

function startState(opts: HarvestOptions): HarvestState {
  if (!opts.state) return newHarvestState(opts);
  const s = structuredClone(opts.state);
  for (const k of ['set', 'metadataPrefix', 'from', 'until'] as const) {
    if (opts[k] !== undefined && opts[k] !== s[k]) {
      throw new ArxivIngestError(`resume: option ${k}=${JSON.stringify(opts[k])} disagrees with the saved state's ${JSON.stringify(s[k])}`);
    }
  }
  return s;
}

/** Fetches one page (with retries) and parses it as it streams in. Non-2xx answers may still be OAI errors. */
async function fetchPage(url: string, opts: HarvestOptions, pacer: Pacer): Promise<OaiPage> {
  const retry = {
    fetch: opts.fetch,
    sleep: opts.sleep,
    timeoutMs: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    backoffMs: opts.backoffMs,
    maxBackoffMs: opts.maxBackoffMs,
    maxRetryAfterMs: opts.maxRetryAfterMs,
    maxBytes: opts.maxBytes,
    signal: opts.signal,
    onRetry: (info: RetryInfo) => opts.onEvent?.({ type: 'retry', info }),
  };
  return getWithRetry(
    url,
    Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined)),
    async (atLeast) => {
      await pacer.wait(atLeast, opts.signal);
      opts.onEvent?.({ type: 'request', url });
    },
    async (res) => {
      if (res.status >= 200 && res.status < 300) return parseOaiPmhStream(res.body, { source: url });
      // Some servers send OAI errors with a 4xx status; anything else is an HTTP failure.
      let page: OaiPage | undefined;
      try {
        page = await parseOaiPmhStream(res.body, { source: url });
      } catch (e) {
        throw new ArxivHttpError(`GET ${url}: HTTP ${res.status}`, { url, status: res.status, attempts: 1 }, { cause: e });
      }
      if (page.error) return page;
      throw new ArxivHttpError(`GET ${url}: HTTP ${res.status}`, { url, status: res.status, attempts: 1 });
    },
    () => pacer.done(),
  );
}

/**
 * Harvests `ListRecords` to the end of the list (or `maxPages`), calling `onPage` for each page. Returns the
 * final state. Throws OaiProtocolError (OAI errors other than noRecordsMatch/badResumptionToken), OaiParseError
 * (a page that cannot be read), ArxivHttpError (retries used up, or a status that is not retried).
 */
export async function harvestOaiPmh(opts: HarvestOptions): Promise<HarvestState> {
  const endpoint = opts.endpoint ?? ARXIV_OAI_ENDPOINT;
  const state = startState(opts);
  const pacer = new Pacer(opts.delayMs, opts.sleep ?? realSleep);
  const warn = (message: string) => opts.onEvent?.({ type: 'warning', message });
  let pagesThisCall = 0;
  let expectCursor: number | undefined;
  while (!state.done) {
    if (opts.maxPages !== undefined && pagesThisCall >= opts.maxPages) break;
    opts.signal?.throwIfAborted();
    const url = listRecordsUrl(endpoint, state);
    const page = await fetchPage(url, opts, pacer);

    if (page.error) {
      const { code, message } = page.error;
      if (code === 'noRecordsMatch') {
        delete state.resumptionToken;
        state.done = true;
        state.pages++;
        pagesThisCall++;
        await opts.onPage(page, structuredClone(state));
        break;
      }
      if (code === 'badResumptionToken' && state.resumptionToken !== undefined) {
        if (state.restarts >= (opts.maxRestarts ?? 3))
          throw new OaiProtocolError(code, `${message} (after ${state.restarts} restarts)`, url);
        const from = state.datestampOrdered && state.lastDatestamp !== undefined ? state.lastDatestamp : state.from;
        state.restarts++;
        expectCursor = undefined;
        delete state.resumptionToken;
        delete state.cursor;
        if (from === undefined) delete state.listFrom;
        else state.listFrom = from;
        opts.onEvent?.({ type: 'restart', ...(from === undefined ? {} : { from }), reason: `${code}: ${message}` });
        continue;
      }
      throw new OaiProtocolError(code, message, url);
    }
    if (page.verb !== 'ListRecords')
      throw new OaiParseError(`expected a ListRecords response, got <${page.verb}> (${url})`, { source: url });

    for (const w of page.warnings) warn(`${w} (${url})`);
    // The cursor counts the records sent before this page: it should have moved on by the previous page's size.
    if (expectCursor !== undefined && page.list?.cursor !== undefined && page.list.cursor !== expectCursor) {
      warn(`cursor ${page.list.cursor} where ${expectCursor} was expected: a previous page may have been cut short (${url})`);
    }
    expectCursor = page.list?.cursor !== undefined ? page.list.cursor + page.recordCount : undefined;
    if (page.datestamps) {
      const { min, max, ordered } = page.datestamps;
      if (!ordered || (state.lastDatestamp !== undefined && min < state.lastDatestamp)) state.datestampOrdered = false;
      if (state.lastDatestamp === undefined || max > state.lastDatestamp) state.lastDatestamp = max;
    }
    state.pages++;
    pagesThisCall++;
    state.records += page.records.length;
    state.skipped += page.skipped.length;
    if (page.list?.completeListSize !== undefined) state.completeListSize = page.list.completeListSize;
    if (page.list?.cursor !== undefined) state.cursor = page.list.cursor;
    if (page.resumptionToken) state.resumptionToken = page.resumptionToken.token;
    else {
      delete state.resumptionToken;
      state.done = true;
    }
    await opts.onPage(page, structuredClone(state));
  }
  return state;
}
