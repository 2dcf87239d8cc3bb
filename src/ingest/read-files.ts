// Turns paths (files, folders, .gz) into parsed batches, one file at a time, detecting each file's
// format. A file that cannot be used becomes a RejectedFileError naming the reason; it never stops
// the others.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ImportBatch } from '../domain/paper.ts';
import { parseJsonText } from '../domain/well-formed.ts';
import { RejectedFileError, type SkippedRecord } from './errors.ts';
import { parseHfDaily, whyNotHfDaily } from './hf-daily/parse.ts';
import { looksLikeArxivJsonl, parseArxivJsonl } from './listings/arxiv-jsonl.ts';
import { looksLikeDaydayarxiv, parseDaydayarxiv } from './listings/daydayarxiv.ts';

export const FORMATS = ['auto', 'hf-daily', 'arxiv-jsonl', 'daydayarxiv'] as const;
export type Format = (typeof FORMATS)[number];

/** A single file larger than this (after decompression) is refused rather than read into memory. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
const SOURCE_FILE = /\.(json|jsonl)(\.gz)?$/i;
const DAY_IN_NAME = /(\d{4}-\d{2}-\d{2})/;

export interface ParsedFile extends ImportBatch {
  file: string;
  format: Exclude<Format, 'auto'>;
  skipped: SkippedRecord[];
}

/** Expands folders (recursively, sorted) into the source files they hold. Missing paths are rejected. */
export function listSourceFiles(paths: string[]): { files: string[]; missing: RejectedFileError[] } {
  const files: string[] = [];
  const missing: RejectedFileError[] = [];
  const walk = (p: string): void => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      missing.push(new RejectedFileError(p, 'no such file or folder'));
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        const child = join(p, name);
        if (statSync(child).isDirectory() || SOURCE_FILE.test(name)) walk(child);
      }
    } else files.push(p);
  };
  for (const p of paths) walk(p);
  return { files, missing };
}

function readText(file: string): string {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new RejectedFileError(file, `larger than ${MAX_FILE_BYTES} bytes`);
  let bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_FILE_BYTES });
    } catch (e) {
      const why =
        (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? `expands to more than ${MAX_FILE_BYTES} bytes` : 'corrupt gzip data';
      throw new RejectedFileError(file, why);
    }
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\u0000')) throw new RejectedFileError(file, 'binary data, not a JSON or JSON-lines file');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function dayFromName(file: string): string | null {
  const m = DAY_IN_NAME.exec(basename(file));
  if (!m?.[1]) return null;
  const d = m[1];
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== d ? null : d;
}

function detect(text: string, json: unknown, jsonOk: boolean): Exclude<Format, 'auto'> | null {
  if (jsonOk && json !== null && typeof json === 'object' && !Array.isArray(json) && looksLikeArxivJsonl(text.split('\n', 1)[0] ?? '')) {
    return 'arxiv-jsonl'; // a JSON-lines file of one line is also one JSON document
  }
  if (jsonOk) {
    if (looksLikeDaydayarxiv(json) && !(Array.isArray(json) && json.length === 0)) return 'daydayarxiv';
    if (whyNotHfDaily(json) === null) return 'hf-daily';
    // Recognisably meant as Daily Papers, but broken: let the hf-daily reader explain why.
    if (Array.isArray(json) || (json && typeof json === 'object' && 'data' in json)) {
      return Array.isArray(json) && json.length === 0 ? 'daydayarxiv' : 'hf-daily';
    }
    return null;
  }
  const first = text.split('\n', 1)[0] ?? '';
  return looksLikeArxivJsonl(first) ? 'arxiv-jsonl' : null;
}

/** Reads and parses one file; throws RejectedFileError when the file as a whole cannot be used. */
export function parseSourceFile(file: string, format: Format = 'auto'): ParsedFile {
  const text = readText(file);
  let json: unknown;
  let jsonOk = false;
  if (format !== 'arxiv-jsonl') {
    try {
      json = parseJsonText(text);
      jsonOk = true;
    } catch {
      /* not a single JSON document: maybe JSON lines */
    }
  }
  const fmt = format === 'auto' ? detect(text, json, jsonOk) : format;
  if (!fmt) throw new RejectedFileError(file, 'not a recognised format (Daily Papers JSON, arXiv JSON lines or DayDayArXiv JSON)');
  const day = dayFromName(file);
  switch (fmt) {
    case 'hf-daily': {
      if (!jsonOk) throw new RejectedFileError(file, 'not valid JSON');
      const why = whyNotHfDaily(json);
      if (why) throw new RejectedFileError(file, why);
      return { file, format: fmt, ...parseHfDaily(json, day, basename(file)) };
    }
    case 'daydayarxiv': {
      if (!jsonOk) throw new RejectedFileError(file, 'not valid JSON');
      if (!looksLikeDaydayarxiv(json)) throw new RejectedFileError(file, 'not a JSON array of DayDayArXiv records (arxiv_id, title, ...)');
      const r = parseDaydayarxiv(json as unknown[], basename(file));
      return { file, format: fmt, papers: r.papers, entries: [], skipped: r.skipped };
    }
    case 'arxiv-jsonl': {
      const r = parseArxivJsonl(text, day, basename(file));
      if (r.papers.length === 0 && r.skipped.length > 0) {
        throw new RejectedFileError(file, `no readable line (first problem: ${r.skipped[0]?.where}: ${r.skipped[0]?.reason})`);
      }
      return { file, format: fmt, papers: r.papers, entries: [], skipped: r.skipped };
    }
  }
}
