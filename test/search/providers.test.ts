// The embeddings providers. The OpenAI-compatible client is tested against a local node:http server
// that speaks `POST /v1/embeddings` as OpenAI does: the request body, `{object: "list", data: [...]}`
// answers (float arrays or base64), and the `{error: {message, type, code}}` error bodies with 401,
// 400, 404, 429 (Retry-After) and 5xx. The ONNX provider is only checked for its message when the
// optional package is missing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { MISSING_PACKAGE_MESSAGE, OnnxProvider } from '../../src/search/embeddings/onnx.ts';
import { embeddingsEndpoint, errorMessage, MAX_ATTEMPTS, OpenAiProvider } from '../../src/search/embeddings/openai.ts';
import { EmbeddingError, externalProvider } from '../../src/search/embeddings/provider.ts';

interface Seen {
  path: string;
  auth: string | undefined;
  body: { model: string; input: string[]; encoding_format?: string; dimensions?: number };
}

type Script = (req: Seen, n: number) => { status: number; body: unknown; headers?: Record<string, string> } | 'hang';

let server: Server;
let base: string;
let script: Script;
let seen: Seen[] = [];

/** A deterministic toy embedding: [length, vowels, 1]. */
function toy(text: string): number[] {
  return [text.length, (text.match(/[aeiou]/g) ?? []).length, 1];
}

function ok(req: Seen) {
  // Real servers may answer in any order; the index field says which input each vector is for.
  const data = req.body.input.map((t, index) => ({ object: 'embedding', index, embedding: toy(t) })).reverse();
  return { status: 200, body: { object: 'list', data, model: req.body.model, usage: { prompt_tokens: 1, total_tokens: 1 } } };
}

function openaiError(status: number, message: string, type: string, code: string | null, headers?: Record<string, string>) {
  return { status, body: { error: { message, type, param: null, code } }, ...(headers ? { headers } : {}) };
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    req.on('end', () => {
      const s: Seen = { path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw || '{}') as Seen['body'] };
      seen.push(s);
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'Not found', type: 'invalid_request_error', code: null } }));
        return;
      }
      const out = script(s, seen.length);
      if (out === 'hang') return; // never answers: the client must time out
      res
        .writeHead(out.status, { 'content-type': 'application/json', ...(out.headers ?? {}) })
        .end(typeof out.body === 'string' ? out.body : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  script = ok;
});

/** The error a promise fails with (the test fails when it succeeds). */
async function failure(p: Promise<unknown> | undefined): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

function provider(o: Partial<ConstructorParameters<typeof OpenAiProvider>[0]> = {}) {
  return new OpenAiProvider({ url: base, model: 'nomic-embed-text', batchSize: 2, timeoutMs: 2000, retryBaseMs: 5, ...o });
}

describe('OpenAI-compatible embeddings', () => {
  it('sends the request OpenAI expects and returns one vector per text, in order, in batches', async () => {
    const p = provider({ apiKey: 'sk-test', dimensions: 3, documentPrefix: 'passage: ' });
    const texts = ['alpha', 'beta gamma', 'delta', 'epsilon zeta eta'];
    const v = await p.embed(texts, 'document');
    expect(v.map((x) => Array.from(x))).toEqual(texts.map((t) => toy(`passage: ${t}`)));
    expect(seen).toHaveLength(2); // batches of 2
    expect(seen[0]?.path).toBe('/v1/embeddings');
    expect(seen[0]?.auth).toBe('Bearer sk-test');
    expect(seen[0]?.body).toEqual({
      model: 'nomic-embed-text',
      input: ['passage: alpha', 'passage: beta gamma'],
      encoding_format: 'float',
      dimensions: 3,
    });
    expect(p.model).toBe('openai:nomic-embed-text/3');
  });

  it('uses the query prefix for queries, and sends no Authorization header without a key', async () => {
    await provider({ queryPrefix: 'query: ' }).embed(['what is attention'], 'query');
    expect(seen[0]?.body.input).toEqual(['query: what is attention']);
    expect(seen[0]?.auth).toBeUndefined();
  });

  it('reads base64 embeddings (little-endian float32)', async () => {
    script = (req) => {
      const data = req.body.input.map((t, index) => {
        const f = Float32Array.from(toy(t));
        return { object: 'embedding', index, embedding: Buffer.from(f.buffer).toString('base64') };
      });
      return { status: 200, body: { object: 'list', data, model: 'm' } };
    };
    const v = await provider().embed(['abc'], 'document');
    expect(Array.from(v[0] as Float32Array)).toEqual([3, 1, 1]);
  });

  it('fails at once, with the server message, on 401 and 400', async () => {
    script = () => openaiError(401, 'Incorrect API key provided: sk-bad.', 'invalid_request_error', 'invalid_api_key');
    const err = await failure(provider().embed(['x'], 'document'));
    expect(err).toBeInstanceOf(EmbeddingError);
    expect((err as Error).message).toContain('answered HTTP 401: Incorrect API key provided: sk-bad. (invalid_api_key)');
    expect((err as Error).message).toContain('FOLIO_EMBEDDINGS_API_KEY');
    expect(seen).toHaveLength(1);

    seen = [];
    script = () => openaiError(400, "This model's maximum context length is 8192 tokens.", 'invalid_request_error', null);
    const bad = await failure(provider().embed(['x'], 'document'));
    expect(bad.message).toContain("HTTP 400: This model's maximum context length is 8192 tokens. (invalid_request_error)");
    expect(seen).toHaveLength(1);
  });

  it('says to check the URL and model on 404', async () => {
    const err = await failure(
      new OpenAiProvider({ url: `${base}/wrong`, model: 'm', batchSize: 8, timeoutMs: 2000, retryBaseMs: 5 }).embed(['x'], 'document'),
    );
    expect(err.message).toContain('HTTP 404: Not found');
    expect(err.message).toContain('FOLIO_EMBEDDINGS_URL');
  });

  it('retries 429 (honouring Retry-After) and 5xx, then succeeds', async () => {
    script = (req, n) =>
      n === 1
        ? openaiError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', { 'retry-after': '0' })
        : n === 2
          ? { status: 503, body: 'upstream unavailable' }
          : ok(req);
    const t0 = Date.now();
    const v = await provider().embed(['a'], 'document');
    expect(Array.from(v[0] as Float32Array)).toEqual(toy('a'));
    expect(seen).toHaveLength(3);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts with the last error`, async () => {
    script = () => openaiError(500, 'The server had an error while processing your request.', 'server_error', null);
    const err = await failure(provider().embed(['a'], 'document'));
    expect(err.message).toMatch(/HTTP 500: The server had an error.*gave up after 5 attempts/);
    expect(seen).toHaveLength(MAX_ATTEMPTS);
  });

  it('retries a server that does not answer, then says it timed out', async () => {
    script = () => 'hang';
    const err = await failure(provider({ timeoutMs: 50 }).embed(['a'], 'document'));
    expect(err.message).toMatch(/could not be reached: no answer within 0\.05 s/);
    expect(seen).toHaveLength(MAX_ATTEMPTS);
  });

  it('refuses answers that do not fit the request', async () => {
    script = (req) => ({
      status: 200,
      body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 2] }], model: req.body.model },
    });
    expect((await failure(provider().embed(['a', 'b'], 'document'))).message).toContain('1 embeddings for 2 texts');
    script = () => ({ status: 200, body: '<html>proxy login</html>' });
    expect((await failure(provider().embed(['a'], 'document'))).message).toContain('not JSON');
    script = () => ({ status: 200, body: { data: [{ index: 0, embedding: ['x'] }] } });
    expect((await failure(provider().embed(['a'], 'document'))).message).toContain('not a list of numbers');
  });

  it('cannot reach a closed port: a clear, retried error', async () => {
    const err = await failure(
      new OpenAiProvider({ url: 'http://127.0.0.1:9/v1', model: 'm', batchSize: 8, timeoutMs: 500, retryBaseMs: 1 }).embed(
        ['a'],
        'document',
      ),
    );
    expect(err.message).toMatch(/embeddings endpoint http:\/\/127\.0\.0\.1:9\/v1\/embeddings could not be reached/);
  });

  it('builds its endpoint from a base URL or a full one, and reads non-OpenAI error bodies', () => {
    expect(embeddingsEndpoint('http://h:11434/v1/')).toBe('http://h:11434/v1/embeddings');
    expect(embeddingsEndpoint('http://h/v1/embeddings')).toBe('http://h/v1/embeddings');
    expect(errorMessage(413, JSON.stringify({ error: 'Input validation error: batch size 64 > maximum allowed batch size 32' }))).toBe(
      'HTTP 413: Input validation error: batch size 64 > maximum allowed batch size 32',
    );
    expect(errorMessage(502, '')).toBe('HTTP 502');
  });

  it('is chosen by the settings, which require a URL and a model', () => {
    const c = loadConfig({ FOLIO_EMBEDDINGS: 'openai', FOLIO_EMBEDDINGS_URL: base, FOLIO_EMBEDDINGS_MODEL: 'm' });
    expect(externalProvider(c)?.name).toBe('openai');
    expect(() => loadConfig({ FOLIO_EMBEDDINGS: 'openai' })).toThrow(/FOLIO_EMBEDDINGS_URL and FOLIO_EMBEDDINGS_MODEL/);
    expect(externalProvider(loadConfig({}))).toBeNull();
  });
});

describe('ONNX provider', () => {
  it('says clearly how to install the optional package when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@huggingface/transformers' imported from /x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const p = new OnnxProvider({ batchSize: 8, importer: async () => Promise.reject(missing) });
    const err = await failure(p.embed(['a'], 'document'));
    expect(err).toBeInstanceOf(EmbeddingError);
    expect(err.message).toBe(MISSING_PACKAGE_MESSAGE);
    expect(err.message).toContain('npm install @huggingface/transformers');
  });

  it('with the real import too, as the package is not installed by default', async () => {
    const p = externalProvider(loadConfig({ FOLIO_EMBEDDINGS: 'onnx' }));
    expect(p?.model).toBe('onnx:Xenova/all-MiniLM-L6-v2');
    await expect(p?.embed(['a'], 'document')).rejects.toThrow(MISSING_PACKAGE_MESSAGE);
  });
});
