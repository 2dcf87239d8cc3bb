// Client of the arXiv query API (https://export.arxiv.org/api/query) for look-ups by id: ids are checked
// and normalised first (nothing is sent when one is not an arXiv id), then asked for in batches with
// `id_list`, politely apart, with retries; the Atom answers are parsed by atom.ts.

import { parseArxivId } from '../../domain/arxiv-id.ts';
import type { PaperRecord } from '../../domain/paper.ts';
import { type AtomEntry, type AtomSkipped, parseArxivAtom } from './atom.ts';
import { ArxivApiError, ArxivHttpError, InvalidArxivIdError } from './errors.ts';
import { type FetchLike, getWithRetry, Pacer, type RetryInfo, readAll, realSleep, type Sleep } from './http.ts';

export const ARXIV_API_ENDPOINT = 'https://export.arxiv.org/api/query';

export interface LookupOptions {
  /** Query API URL (default https://export.arxiv.org/api/query). */
  endpoint?: string;
  fetch?: FetchLike;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Ids per request (default 100). */
  batchSize?: number;
  /** Between two requests (default 3000 ms, as arXiv asks). */
  delayMs?: number;
  /** Retries of one request on network errors, timeouts, 429/5xx (default 3). */
  maxRetries?: number;
  /** First retry backoff, doubling (default 3 s). */
  backoffMs?: number;
  sleep?: Sleep;
  signal?: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
}

export interface LookupResult {
  /** One record per paper found, in the order asked. */
  papers: PaperRecord[];
  /** The same papers with their links (abs, pdf, doi). */
  entries: AtomEntry[];
  /** Canonical ids asked for that arXiv did not return. */
  missing: string[];
  /** Entries arXiv returned that could not be read. */
  skipped: AtomSkipped[];
}

/** Checks and normalises ids: canonical id → the form to ask for (with the version, when one was named). */
function normalise(ids: string[]): Map<string, string> {
  const wanted = new Map<string, string>();
  const invalid: string[] = [];
  for (const raw of ids) {
    const p = parseArxivId(raw);
    if (!p) {
      invalid.push(String(raw));
      continue;
    }
    if (!wanted.has(p.id)) wanted.set(p.id, p.version === undefined ? p.id : `${p.id}v${p.version}`);
  }
  if (invalid.length) throw new InvalidArxivIdError(invalid);
  return wanted;
}

/**
 * Looks papers up by arXiv id (any accepted form: `2401.12345`, `arXiv:2401.12345v2`, abs/pdf URLs, old-style
 * ids). Throws InvalidArxivIdError before any request when an id is not an arXiv id, ArxivApiError when arXiv
 * answers with its error feed, AtomParseError for an unreadable answer, ArxivHttpError when retries run out.
 */
export async function lookupArxivIds(ids: string[], opts: LookupOptions = {}): Promise<LookupResult> {
  const wanted = normalise(ids);
  const endpoint = opts.endpoint ?? ARXIV_API_ENDPOINT;
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 100, 2000));
  const pacer = new Pacer(opts.delayMs ?? 3000, opts.sleep ?? realSleep);
  const found = new Map<string, AtomEntry>();
  const skipped: AtomSkipped[] = [];
  const asked = [...wanted.values()];
  for (let i = 0; i < asked.length; i += batchSize) {
    const batch = asked.slice(i, i + batchSize);
    const u = new URL(endpoint);
    u.searchParams.set('id_list', batch.join(','));
    u.searchParams.set('start', '0');
    u.searchParams.set('max_results', String(batch.length));
    const url = u.toString();
    const retry: Parameters<typeof getWithRetry>[1] = {
      timeoutMs: opts.timeoutMs ?? 30_000,
      maxRetries: opts.maxRetries ?? 3,
      backoffMs: opts.backoffMs ?? 3000,
      maxBytes: 64 * 1024 * 1024,
    };
    if (opts.fetch) retry.fetch = opts.fetch;
    if (opts.sleep) retry.sleep = opts.sleep;
    if (opts.signal) retry.signal = opts.signal;
    if (opts.onRetry) retry.onRetry = opts.onRetry;
    const feed = await getWithRetry(
      url,
      retry,
      (atLeast) => pacer.wait(atLeast, opts.signal),
      async (res) => {
        const bytes = await readAll(res.body);
        if (res.status >= 200 && res.status < 300) return parseArxivAtom(bytes, { status: res.status, source: url });
        // The error feed (HTTP 400, e.g. "incorrect id format for abc") becomes an ArxivApiError; any other
        // answer with an error status is an HTTP failure.
        let cause: unknown;
        try {
          parseArxivAtom(bytes, { status: res.status, source: url });
        } catch (e) {
          if (e instanceof ArxivApiError) throw e;
          cause = e;
        }
        throw new ArxivHttpError(
          `GET ${url}: HTTP ${res.status}`,
          { url, status: res.status, attempts: 1 },
          cause === undefined ? undefined : { cause },
        );
      },
      () => pacer.done(),
    );
    for (const e of feed.entries) if (wanted.has(e.record.id) && !found.has(e.record.id)) found.set(e.record.id, e);
    skipped.push(...feed.skipped);
  }
  const entries = [...wanted.keys()].map((id) => found.get(id)).filter((e): e is AtomEntry => e !== undefined);
  return {
    papers: entries.map((e) => e.record),
    entries,
    missing: [...wanted.keys()].filter((id) => !found.has(id)),
    skipped,
  };
}
