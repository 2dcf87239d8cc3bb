// HTTP plumbing shared by the OAI-PMH harvester and the query-API client: one GET with a timeout, a size cap,
// a streamed body, and retries (network errors, 5xx, 429; `Retry-After` in seconds or as an HTTP date),
// with exponential backoff. The polite delay between requests is the caller's (see Pacer).
import { ArxivHttpError } from './errors.ts';

export type FetchLike = typeof fetch;
/** Waits `ms` milliseconds; rejects when `signal` aborts. Injectable so tests need not wait for real. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A real sleep that never returns early (timers may fire a millisecond ahead; we check the clock). */
export const realSleep: Sleep = async (ms, signal) => {
  const end = performance.now() + ms;
  for (;;) {
    signal?.throwIfAborted();
    const left = end - performance.now();
    if (left <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(done, Math.ceil(left));
      function done(): void {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort(): void {
        clearTimeout(t);
        reject(signal?.reason);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
};

/**
 * `Retry-After` → milliseconds: either delta-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`).
 * Undefined when absent or unreadable. A date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

export interface RetryOptions {
  fetch?: FetchLike;
  sleep?: Sleep;
  /** Per attempt, headers and body together (default 120 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** First backoff; doubles at each retry (default 5 s). */
  backoffMs?: number;
  /** Ceiling of the backoff (default 5 min). */
  maxBackoffMs?: number;
  /** Ceiling of a server's Retry-After (default 15 min); longer asks are shortened to this. */
  maxRetryAfterMs?: number;
  /** Largest body read, in bytes (default 256 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Told of each retry, before its wait. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  url: string;
  /** The attempt that failed (1 = first request). */
  attempt: number;
  status?: number;
  reason: string;
  waitMs: number;
}

/** A response handed to the caller's reader: status, headers and a byte stream with the guards applied. */
export interface GuardedResponse {
  status: number;
  headers: Headers;
  url: string;
  body: AsyncIterable<Uint8Array>;
}

/** The body broke off while being read (connection dropped, timeout): worth another try. */
class BodyReadError extends Error {
  override name = 'BodyReadError';
}

const RETRY_STATUS = (s: number) => s === 429 || s >= 500;
export const DEFAULT_USER_AGENT = 'Folio/0.1 (self-hosted Daily Papers)';

/**
 * Keeps requests to one host politely apart: `wait()` before a request sleeps so that at least `delayMs`
 * passes between the end of the previous exchange and the start of the next (or longer, when asked).
 */
export class Pacer {
  private last: number | undefined;
  constructor(
    readonly delayMs: number,
    private readonly sleep: Sleep = realSleep,
  ) {}
  /** Sleeps before the next request: `max(delayMs, atLeastMs)`; nothing before the very first one. */
  async wait(atLeastMs = 0, signal?: AbortSignal): Promise<void> {
    if (this.last === undefined && atLeastMs <= 0) return;
    const ms = Math.max(this.last === undefined ? 0 : this.delayMs, atLeastMs);
    if (ms > 0) await this.sleep(ms, signal);
  }
  /** Marks the end of an exchange. */
  done(): void {
    this.last = Date.now();
  }
}

async function* guardedBody(res: Response, maxBytes: number, url: string, abort: () => void): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new BodyReadError(`response body broke off: ${describe(e)}`, { cause: e });
      }
      if (r.done) return;
      total += r.value.byteLength;
      if (total > maxBytes) {
        abort();
        throw new ArxivHttpError(`response of ${url} is larger than ${maxBytes} bytes`, { url, status: res.status, attempts: 1 });
      }
      yield r.value;
    }
  } finally {
    reader.releaseLock();
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code = (cause as { code?: string } | undefined)?.code;
    return `${e.name}: ${e.message}${code ? ` (${code})` : cause instanceof Error ? ` (${cause.message})` : ''}`;
  }
  return String(e);
}

/**
 * GETs `url` and hands the response to `read` (which consumes `body`). Retries, with backoff, on network
 * errors, timeouts, bodies that break off, 429 and 5xx (honouring Retry-After); `read` errors other than a
 * broken body are not retried (a malformed document stays malformed). `read` sees every other status too, so
 * that it can turn an error document into a typed error. `pace` is awaited before each attempt.
 */
export async function getWithRetry<T>(
  url: string,
  opts: RetryOptions,
  pace: (atLeastMs: number) => Promise<void>,
  read: (res: GuardedResponse) => Promise<T>,
  after: () => void = () => {},
): Promise<T> {
  const doFetch = opts.fetch ?? fetch;
  const maxRetries = opts.maxRetries ?? 5;
  const backoff = opts.backoffMs ?? 5000;
  const maxBackoff = opts.maxBackoffMs ?? 300_000;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 900_000;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
  let waitMs = 0;
  let lastStatus: number | undefined;
  let lastReason = '';
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
    opts.signal?.throwIfAborted();
    await pace(waitMs);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const signal = opts.signal ? AbortSignal.any([ctl.signal, opts.signal]) : ctl.signal;
    let retryAfter: number | undefined;
    try {
      let res: Response;
      try {
        res = await doFetch(url, { signal, headers: { 'user-agent': DEFAULT_USER_AGENT, ...opts.headers } });
      } catch (e) {
        opts.signal?.throwIfAborted();
        throw new BodyReadError(`request failed: ${describe(e)}`, { cause: e });
      }
      lastStatus = res.status;
      if (RETRY_STATUS(res.status)) {
        retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        await res.body?.cancel().catch(() => {});
        lastReason = `HTTP ${res.status}${retryAfter !== undefined ? ` (Retry-After ${res.headers.get('retry-after')})` : ''}`;
        lastError = undefined;
      } else {
        const guarded: GuardedResponse = {
          status: res.status,
          headers: res.headers,
          url,
          body: guardedBody(res, maxBytes, url, () => ctl.abort()),
        };
        return await read(guarded);
      }
    } catch (e) {
      if (!(e instanceof BodyReadError)) {
        if (e instanceof ArxivHttpError && e.url === url) e.attempts = attempt;
        throw e;
      }
      opts.signal?.throwIfAborted();
      lastError = e.cause ?? e;
      lastReason = e.message;
    } finally {
      clearTimeout(timer);
      after();
    }
    if (attempt > maxRetries) break;
    waitMs = retryAfter !== undefined ? Math.min(retryAfter, maxRetryAfter) : Math.min(maxBackoff, backoff * 2 ** (attempt - 1));
    const info: RetryInfo = { url, attempt, reason: lastReason, waitMs };
    if (lastStatus !== undefined) info.status = lastStatus;
    opts.onRetry?.(info);
  }
  const info: { url: string; status?: number; attempts: number } = { url, attempts: maxRetries + 1 };
  if (lastStatus !== undefined && lastError === undefined) info.status = lastStatus;
  throw new ArxivHttpError(
    `GET ${url} failed after ${maxRetries + 1} attempt(s): ${lastReason}`,
    info,
    lastError === undefined ? undefined : { cause: lastError },
  );
}

/** Reads a guarded body whole, as bytes (for small documents). */
export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of body) {
    parts.push(p);
    n += p.byteLength;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
