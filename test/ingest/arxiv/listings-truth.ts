// What the stand-in must serve, worked out straight from the listing files (independently of the stand-in's
// own loader): each unique id, with the date of the latest listing file it appears in as its datestamp.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LISTINGS_DIR } from '../../support/arxiv-standin/corpus.ts';

const cache = new Map<string, Map<string, string>>();

/** Each unique id of the listings in `dir` (the fixtures by default) and its datestamp. */
export function listingDatestamps(dir: string = LISTINGS_DIR): Map<string, string> {
  const known = cache.get(dir);
  if (known) return known;
  const out = new Map<string, string>();
  const note = (rawId: string, day: string): void => {
    const id = rawId.replace(/v\d+$/, '');
    const prev = out.get(id);
    if (!prev || day > prev) out.set(id, day);
  };
  const daily = join(dir, 'daily-arxiv-jsonl');
  for (const f of readdirSync(daily)) {
    const day = f.slice(0, 10);
    for (const line of gunzipSync(readFileSync(join(daily, f)))
      .toString('utf8')
      .split('\n')) {
      if (line.trim()) note((JSON.parse(line) as { id: string }).id, day);
    }
  }
  const dd = join(dir, 'daydayarxiv');
  for (const f of readdirSync(dd)) {
    const day = f.slice(0, 10);
    for (const o of JSON.parse(gunzipSync(readFileSync(join(dd, f))).toString('utf8')) as { arxiv_id: string }[]) note(o.arxiv_id, day);
  }
  cache.set(dir, out);
  return out;
}

/** Ids whose datestamp falls in [from, until] (inclusive, `YYYY-MM-DD`), sorted. */
export function expectedIds(from?: string, until?: string): string[] {
  return [...listingDatestamps()]
    .filter(([, d]) => (from === undefined || d >= from) && (until === undefined || d <= until))
    .map(([id]) => id)
    .sort();
}
