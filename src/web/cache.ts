// A small response cache for the read-heavy pages and API. Entries are tagged with the store's data
// generation (bumped by triggers on every visible write), so a new vote, comment or paper shows at
// once: a stale entry is never served, whatever process wrote.
import type { Encoding } from './compression.ts';

/** Enough for every list, paper and API page that is popular at once; least recently used go first. */
export const RESPONSE_CACHE_ENTRIES = 2000;

export interface CachedResponse {
  /** Encoded once, when rendered: a hit sends the bytes as they are. */
  body: Buffer;
  contentType: string;
  status: number;
  headers: Record<string, string>;
  /** Strong validator of the body, for conditional requests (`If-None-Match` -> 304). */
  etag?: string;
  /** The body compressed, made once per encoding when first asked for (web/compression.ts). */
  encoded?: Partial<Record<Encoding, Promise<Buffer>>>;
}

export class ResponseCache {
  private readonly entries = new Map<string, { generation: string; response: CachedResponse }>();
  constructor(private readonly capacity = RESPONSE_CACHE_ENTRIES) {}

  get(key: string, generation: string): CachedResponse | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.generation !== generation) return undefined;
    this.entries.set(key, hit); // most recently used goes last
    return hit.response;
  }

  set(key: string, generation: string, response: CachedResponse): void {
    this.entries.delete(key);
    this.entries.set(key, { generation, response });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
