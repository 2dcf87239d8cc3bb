// Readers for the evaluation data: the CSFCube corpus and judgments, and arXiv listing files used as
// extra unlabelled training text. Node-only (fs, zlib); the model itself does not depend on this.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface CorpusPaper {
  id: string;
  title: string;
  abstract: string;
}

/** A paper's text as the model sees it for whole-abstract similarity: title, then abstract. */
export function paperText(p: { title: string; abstract: string }): string {
  return `${p.title}. ${p.abstract}`;
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((s) => typeof s === 'string').join(' ');
  return '';
}

/** Reads a file, gunzipping it when its name ends in `.gz`. */
async function readMaybeGz(path: string): Promise<string> {
  const buf = await readFile(path);
  return (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

/**
 * Loads `corpus_*.jsonl` (and `.jsonl.gz`) from a CSFCube folder: one paper a line with
 * `paper_id, title, abstract` (the abstract may be a string or a list of sentences).
 */
export async function loadCsfcubeCorpus(dir: string): Promise<Map<string, CorpusPaper>> {
  const names = (await readdir(dir)).filter((n) => /^corpus.*\.jsonl(\.gz)?$/.test(n)).sort();
  if (names.length === 0) throw new Error(`no corpus_*.jsonl file in ${dir}`);
  const out = new Map<string, CorpusPaper>();
  for (const name of names) {
    const text = await readMaybeGz(join(dir, name));
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line) as Record<string, unknown>;
      const id = String(rec.paper_id ?? rec.id ?? '');
      if (!id) continue;
      out.set(id, { id, title: asText(rec.title), abstract: asText(rec.abstract) });
    }
  }
  return out;
}

export interface QueryJudgments {
  cands: string[];
  /** Graded relevance 0-3 of each candidate, aligned with `cands`. */
  grades: number[];
}

/** Reads a `{query_id: {cands, relevance_adju}}` judgments file. */
export async function loadJudgments(path: string): Promise<Map<string, QueryJudgments>> {
  const raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, { cands: string[]; relevance_adju: number[] }>;
  const out = new Map<string, QueryJudgments>();
  for (const [qid, v] of Object.entries(raw)) {
    if (!Array.isArray(v.cands) || !Array.isArray(v.relevance_adju) || v.cands.length !== v.relevance_adju.length) {
      throw new Error(`${path}: query ${qid} has no aligned cands/relevance_adju`);
    }
    out.set(qid, { cands: v.cands.map(String), grades: v.relevance_adju.map(Number) });
  }
  return out;
}

/** Title and abstract of each record of an arXiv listing file, deduplicated by arXiv id. */
function listingRecords(content: string, path: string): { id: string; title: string; abstract: string }[] {
  const trimmed = content.trimStart();
  let recs: unknown[];
  if (trimmed.startsWith('[')) {
    recs = JSON.parse(trimmed) as unknown[];
  } else {
    recs = [];
    for (const line of content.split('\n')) {
      if (!line.trim()) continue;
      try {
        recs.push(JSON.parse(line));
      } catch {
        throw new Error(`${path}: a line is not JSON`);
      }
    }
  }
  const out: { id: string; title: string; abstract: string }[] = [];
  for (const r of recs) {
    if (!r || typeof r !== 'object') continue;
    const rec = r as Record<string, unknown>;
    const title = asText(rec.title);
    const abstract = asText(rec.summary ?? rec.abstract);
    if (!abstract && !title) continue;
    const rawId = String(rec.id ?? rec.arxiv_id ?? '');
    const id = rawId.replace(/v\d+$/, '') || `${title}\u0000${abstract.slice(0, 200)}`;
    out.push({ id, title, abstract });
  }
  return out;
}

async function listFiles(path: string): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const e of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (/\.(jsonl|json)(\.gz)?$/.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Texts (title + abstract) of the arXiv listings found at the given paths: files or folders of
 * `*.jsonl[.gz]` (one object a line with `title, summary`) or `*.json[.gz]` (an array of objects with
 * `title, abstract`). Papers seen twice (cross-lists, several days) are kept once.
 */
export async function loadListingTexts(paths: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const root of paths) {
    for (const file of await listFiles(root)) {
      for (const r of listingRecords(await readMaybeGz(file), file)) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        texts.push(paperText(r));
      }
    }
  }
  return texts;
}
