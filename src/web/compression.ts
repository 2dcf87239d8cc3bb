// Compressed responses. A list page is 180-270 KB of HTML and compresses about tenfold, so every
// response a client accepts compressed goes out compressed:
// - pages from the response cache are compressed once per cached entry (the first request that wants
//   that encoding pays, off the event loop, and every later hit sends the stored bytes), so cached
//   pages keep their speed;
// - everything else (member pages, forms, the API, errors) through @fastify/compress, per response.
// Request bodies are never decompressed: forms and API calls are small, and a compressed body would let
// 64 KB on the wire expand past the body limit.
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** Encodings offered, best first (both in every browser; zstd is not in Node 20's zlib). */
export const ENCODINGS = ['br', 'gzip'] as const;
export type Encoding = (typeof ENCODINGS)[number];
/** Below this a response goes out as it is: the headers would cost about what compression saves. */
export const COMPRESS_MIN_BYTES = 1024;
/**
 * Brotli quality for responses. 11 (the maximum) takes about 30x as long as 5 for a few percent less
 * on HTML; 5 compresses a 200 KB list page in a few milliseconds and still beats gzip -9.
 */
export const BROTLI_QUALITY = 5;
/** gzip level: zlib's default, the usual balance. */
export const GZIP_LEVEL = 6;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** The encoding to answer with for this Accept-Encoding, or undefined for the bytes as they are. */
export function chooseEncoding(acceptEncoding: string | string[] | undefined, bytes: number): Encoding | undefined {
  if (bytes < COMPRESS_MIN_BYTES || !acceptEncoding) return undefined;
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  return (negotiate(header, [...ENCODINGS]) as Encoding | null) ?? undefined;
}

/** Compresses a body off the event loop (zlib's thread pool). */
export function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'br')
    return brotli(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  return gz(body, { level: GZIP_LEVEL });
}

/** Adds `token` to a Vary header value, once. */
export function addVary(current: string | number | string[] | undefined, token: string): string {
  const parts = String(current ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.some((p) => p.toLowerCase() === token.toLowerCase())) parts.push(token);
  return parts.join(', ');
}

/** Compression of the responses that do not come from the response cache. */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    globalDecompression: false,
    threshold: COMPRESS_MIN_BYTES,
    encodings: [...ENCODINGS],
    brotliOptions: {
      params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
    },
    zlibOptions: { level: GZIP_LEVEL },
  });
}
