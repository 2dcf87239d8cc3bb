// An OpenAI-compatible embeddings client: `POST {url}/embeddings` with `{model, input: [...],
// encoding_format: "float"}`, as OpenAI, Ollama (/v1), Hugging Face TEI, vLLM and LiteLLM answer it.
// Texts go in batches; rate limits (429, honouring Retry-After), server errors (5xx), time-outs and
// network failures are retried with exponential backoff; anything else fails at once with the
// endpoint's own message (OpenAI's `{"error": {"message", "type", "code"}}` body, or the raw text).
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddingError, type EmbeddingProvider, type TextKind } from './provider.ts';

/** Attempts of one batch before the build gives up (it can be run again: nothing half-written stays). */
export const MAX_ATTEMPTS = 5;
/** First retry after this long, doubling each time, up to MAX_BACKOFF_MS. */
export const BASE_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 30_000;
/** Longer texts are cut: ~2,000 tokens, inside every common model's context, and a paper's title + abstract fits. */
export const MAX_INPUT_CHARS = 8000;
/** How much of an error body a message repeats. */
const ERROR_ECHO_CHARS = 300;

export interface OpenAiOptions {
  /** Base URL (`http://host:11434/v1`) or the full `/embeddings` URL. */
  url: string;
  model: string;
  apiKey?: string;
  dimensions?: number;
  batchSize: number;
  timeoutMs: number;
  queryPrefix?: string;
  documentPrefix?: string;
  /** For tests: the first backoff (default BASE_BACKOFF_MS). */
  retryBaseMs?: number;
  fetch?: typeof fetch;
}

/** The endpoint for a configured URL: `.../v1` gets `/embeddings` appended, a full URL is kept. */
export function embeddingsEndpoint(url: string): string {
  const u = url.replace(/\/+$/, '');
  return /\/embeddings$/.test(u) ? u : `${u}/embeddings`;
}

interface OpenAiErrorBody {
  error?: { message?: unknown; type?: unknown; code?: unknown } | string;
  message?: unknown;
}

/** The most useful sentence of an error body: OpenAI's error.message (+ code), TEI's `error`, or the text. */
export function errorMessage(status: number, body: string): string {
  let detail = body.trim().slice(0, ERROR_ECHO_CHARS);
  try {
    const j = JSON.parse(body) as OpenAiErrorBody;
    if (typeof j.error === 'string') detail = j.error;
    else if (j.error && typeof j.error.message === 'string') {
      const code = typeof j.error.code === 'string' ? j.error.code : typeof j.error.type === 'string' ? j.error.type : '';
      detail = code ? `${j.error.message} (${code})` : j.error.message;
    } else if (typeof j.message === 'string') detail = j.message;
  } catch {
    // not JSON: the text itself
  }
  return `HTTP ${status}${detail ? `: ${detail.slice(0, ERROR_ECHO_CHARS)}` : ''}`;
}

/** Wait asked by the server: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  const s = Number(ra);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function decodeBase64(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Float32Array(buf.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

export class OpenAiProvider implements EmbeddingProvider {
  readonly name = 'openai';
  readonly model: string;
  readonly endpoint: string;

  constructor(private readonly o: OpenAiOptions) {
    this.endpoint = embeddingsEndpoint(o.url);
    this.model = `openai:${o.model}${o.dimensions ? `/${o.dimensions}` : ''}`;
  }

  async embed(texts: readonly string[], kind: TextKind, signal?: AbortSignal): Promise<Float32Array[]> {
    const prefix = (kind === 'query' ? this.o.queryPrefix : this.o.documentPrefix) ?? '';
    const inputs = texts.map((t) => `${prefix}${t}`.slice(0, MAX_INPUT_CHARS) || ' ');
    const out: Float32Array[] = [];
    for (let i = 0; i < inputs.length; i += this.o.batchSize) {
      out.push(...(await this.batch(inputs.slice(i, i + this.o.batchSize), signal)));
    }
    return out;
  }

  private async batch(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const base = this.o.retryBaseMs ?? BASE_BACKOFF_MS;
    let last: EmbeddingError | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      let wait = Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
      try {
        return await this.request(input, signal);
      } catch (e) {
        if (signal?.aborted) throw e;
        if (!(e instanceof EmbeddingError) || !e.retryable) throw e;
        last = e;
        const asked = (e as EmbeddingError & { waitMs?: number }).waitMs;
        if (asked !== undefined) wait = Math.min(MAX_BACKOFF_MS * 4, asked);
      }
      if (attempt < MAX_ATTEMPTS) await sleep(wait, undefined, signal ? { signal } : undefined);
    }
    throw new EmbeddingError(`${last?.message} (gave up after ${MAX_ATTEMPTS} attempts)`);
  }

  private async request(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.o.apiKey) headers.authorization = `Bearer ${this.o.apiKey}`;
    const body = JSON.stringify({
      model: this.o.model,
      input,
      encoding_format: 'float',
      ...(this.o.dimensions ? { dimensions: this.o.dimensions } : {}),
    });
    const where = `embeddings endpoint ${this.endpoint}`;
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(this.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      const why = timeout.aborted ? `no answer within ${this.o.timeoutMs / 1000} s` : ((e as Error).cause as Error | undefined)?.message;
      throw new EmbeddingError(`${where} could not be reached: ${why ?? (e as Error).message}`, true);
    }
    const text = await res.text();
    if (!res.ok) {
      const retryable = res.status === 429 || res.status === 408 || res.status >= 500;
      const hint =
        res.status === 401 || res.status === 403
          ? ' — check FOLIO_EMBEDDINGS_API_KEY'
          : res.status === 404
            ? ' — check FOLIO_EMBEDDINGS_URL and FOLIO_EMBEDDINGS_MODEL'
            : '';
      const err = new EmbeddingError(`${where} answered ${errorMessage(res.status, text)}${hint}`, retryable);
      const wait = retryAfterMs(res.headers);
      if (wait !== undefined) Object.assign(err, { waitMs: wait });
      throw err;
    }
    return this.parse(text, input.length, where);
  }

  private parse(text: string, expected: number, where: string): Float32Array[] {
    let j: { data?: unknown };
    try {
      j = JSON.parse(text) as { data?: unknown };
    } catch {
      throw new EmbeddingError(`${where} answered 200 with a body that is not JSON: ${text.slice(0, 100)}`);
    }
    if (!Array.isArray(j.data) || j.data.length !== expected) {
      throw new EmbeddingError(`${where} answered ${Array.isArray(j.data) ? j.data.length : 'no'} embeddings for ${expected} texts`);
    }
    const out: (Float32Array | undefined)[] = new Array(expected);
    let dims: number | undefined;
    j.data.forEach((d: unknown, pos: number) => {
      const item = d as { index?: unknown; embedding?: unknown };
      const index = typeof item.index === 'number' ? item.index : pos;
      let v: Float32Array;
      if (typeof item.embedding === 'string') v = decodeBase64(item.embedding);
      else if (Array.isArray(item.embedding) && item.embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        v = Float32Array.from(item.embedding as number[]);
      } else throw new EmbeddingError(`${where} answered an embedding that is not a list of numbers`);
      if (v.length === 0 || (dims !== undefined && v.length !== dims))
        throw new EmbeddingError(`${where} answered embeddings of different sizes`);
      if (index < 0 || index >= expected || out[index]) throw new EmbeddingError(`${where} answered a bad or repeated index ${index}`);
      dims = v.length;
      out[index] = v;
    });
    return out as Float32Array[];
  }
}
