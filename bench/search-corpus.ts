// The corpora of the search benchmarks, made once and kept in a cache folder (BENCH_CACHE, default
// $TMPDIR/folio-bench-search) since they take minutes to make:
//
// - real: the 77k papers of ../shared/data (hf-daily + arxiv-listings), imported by `importFiles`.
// - synthetic: the real papers plus generated ones up to a target size (1,000,000 by default),
//   written straight into SQLite. Each generated paper recombines real papers of one arXiv category,
//   with a fixed seed: its title joins the first half of one real title to the second half of another;
//   its abstract keeps the first paper's sentence count and takes each sentence, in place, from one of
//   three real abstracts of that category; authors, categories, organisation and code link are the
//   first paper's. Publication days are spread over 2015-01 .. 2025-03 (a decade of history before
//   the real papers), with arXiv-style ids YYMM.6NNNN that cannot clash with real ones. So the
//   vocabulary, term frequencies, abstract lengths and topic mix are those of real arXiv text, and
//   words co-occur as in real abstracts within a topic.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { importFiles } from '../src/actions/import-files.ts';
import { loadConfig, trendingParams } from '../src/config.ts';
import { openStore, sqliteFile } from '../src/db/connection.ts';
import { recomputeTrending } from '../src/db/queries/trending.ts';
import { rng } from '../src/search/model/linalg.ts';
import { SHARED } from './import.ts';

export const CACHE = process.env.BENCH_CACHE ?? join(tmpdir(), 'folio-bench-search');
/** Bump when the generator changes, so that an old cached corpus is not reused. */
const GENERATOR = 'synthetic-v1';
const SEED = 20_260_601;
const FIRST_DAY = Date.UTC(2015, 0, 1);
const LAST_DAY = Date.UTC(2025, 2, 1);
const ROWS_PER_TRANSACTION = 20_000;

function marker(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const db = new SQLite(path, { readonly: true });
  try {
    const r = db.prepare(`select value from meta where key = 'bench_corpus'`).get() as { value: string } | undefined;
    return r?.value;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

function setMarker(path: string, value: string): void {
  const db = new SQLite(path);
  db.prepare(`insert into meta (key, value) values ('bench_corpus', ?) on conflict (key) do update set value = excluded.value`).run(value);
  db.close();
}

/** The real corpus (imported once): its data folder. */
export async function realCorpus(log: (m: string) => void = () => {}): Promise<string> {
  const dir = join(CACHE, 'real');
  const file = sqliteFile(dir);
  if (marker(file) === 'real-v1') return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`importing the real corpus into ${dir}`);
  const store = await openStore(dir);
  await importFiles(store.db, [join(SHARED, 'hf-daily'), join(SHARED, 'arxiv-listings')]);
  await recomputeTrending(store.db, trendingParams(loadConfig({})), '2026-07-01T00:00:00.000Z');
  await store.close();
  setMarker(file, 'real-v1');
  return dir;
}

interface Base {
  title: string;
  abstract: string;
  categories: string;
  primary: string;
  org: number | null;
  repo: string | null;
  stars: number | null;
}

/** The real corpus grown to `target` papers with generated ones (see the header); its data folder. */
export async function syntheticCorpus(target: number, log: (m: string) => void = () => {}): Promise<string> {
  const dir = join(CACHE, `synthetic-${target}`);
  const file = sqliteFile(dir);
  const want = `${GENERATOR}:${target}`;
  if (marker(file) === want) return dir;
  const real = await realCorpus(log);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Open and close once so that the WAL is folded into the file, then copy it.
  const store = await openStore(real);
  await store.close();
  cpSync(sqliteFile(real), file);
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec('delete from search_docs; delete from search_indexes;');

  const papers = db
    .prepare(
      `select id, title, abstract, categories, coalesce(primary_category, 'x') as primary_category, organization_id, github_repo, github_stars from papers`,
    )
    .all() as {
    id: string;
    title: string;
    abstract: string;
    categories: string;
    primary_category: string;
    organization_id: number | null;
    github_repo: string | null;
    github_stars: number | null;
  }[];
  const authorRows = db.prepare('select paper_id, name from authors order by paper_id, position').all() as {
    paper_id: string;
    name: string;
  }[];
  const authors = new Map<string, string[]>();
  for (const a of authorRows) {
    const l = authors.get(a.paper_id) ?? [];
    l.push(a.name);
    authors.set(a.paper_id, l);
  }
  const bases: (Base & { id: string; sentences: string[] })[] = papers
    .filter((p) => p.abstract.length > 200)
    .map((p) => ({
      id: p.id,
      title: p.title,
      abstract: p.abstract,
      categories: p.categories,
      primary: p.primary_category,
      org: p.organization_id,
      repo: p.github_repo,
      stars: p.github_stars,
      sentences: p.abstract.split(/(?<=[.!?])\s+/),
    }));
  const byCategory = new Map<string, number[]>();
  bases.forEach((b, i) => {
    const l = byCategory.get(b.primary) ?? [];
    l.push(i);
    byCategory.set(b.primary, l);
  });
  const maxRowid = (db.prepare('select max(rowid) as m from papers').get() as { m: number }).m;
  const need = target - papers.length;
  log(`generating ${need} papers from ${bases.length} real ones (seed ${SEED}) into ${dir}`);

  // Per-row triggers (the data generation) would run a million times: off while loading, then restored.
  const triggers = db.prepare(`select name, sql from sqlite_master where type = 'trigger' and tbl_name in ('papers', 'authors')`).all() as {
    name: string;
    sql: string;
  }[];
  for (const tr of triggers) db.exec(`drop trigger ${tr.name}`);

  const insPaper = db.prepare(`insert into papers (id, version, title, abstract, published_at, updated_at, categories, primary_category,
      github_repo, github_stars, organization_id, meta_stamp, imported_upvotes, imported_comments, local_upvotes, local_comments,
      hidden, created_at, changed_at, trending_score)
    values (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, 0)`);
  const insAuthor = db.prepare('insert into authors (paper_id, position, name, hidden) values (?, ?, ?, 0)');
  const r = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const perMonth = new Map<string, number>();
  const now = new Date().toISOString();
  let made = 0;
  const batch = db.transaction((count: number) => {
    for (let k = 0; k < count; k++) {
      const b1 = pick(bases);
      const same = byCategory.get(b1.primary) as number[];
      const b2 = bases[pick(same)] as (typeof bases)[number];
      const b3 = bases[pick(same)] as (typeof bases)[number];
      const w1 = b1.title.split(/\s+/);
      const w2 = b2.title.split(/\s+/);
      const title = [...w1.slice(0, Math.ceil(w1.length / 2)), ...w2.slice(Math.floor(w2.length / 2))].join(' ');
      const donors = [b1, b2, b3];
      const abstract = b1.sentences.map((s, i) => pick(donors).sentences[i] ?? s).join(' ');
      const t = FIRST_DAY + Math.floor(r() * (LAST_DAY - FIRST_DAY));
      const d = new Date(t);
      const yymm = `${String(d.getUTCFullYear()).slice(2)}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      const seq = (perMonth.get(yymm) ?? 0) + 1;
      perMonth.set(yymm, seq);
      const id = `${yymm}.${60000 + seq}`;
      const at = d.toISOString();
      insPaper.run(
        id,
        title,
        abstract,
        at,
        at,
        b1.categories,
        b1.primary === 'x' ? null : b1.primary,
        b1.repo,
        b1.stars,
        b1.org,
        at,
        now,
        now,
      );
      (authors.get(b1.id) ?? ['Anonymous']).forEach((name, pos) => {
        insAuthor.run(id, pos, name);
      });
    }
  });
  while (made < need) {
    const n = Math.min(ROWS_PER_TRANSACTION, need - made);
    batch(n);
    made += n;
    if (made % 100_000 < ROWS_PER_TRANSACTION) log(`  ${made} of ${need}`);
  }
  for (const tr of triggers) db.exec(tr.sql);
  log('indexing the generated papers for keyword search (FTS5)');
  db.prepare(`insert into papers_fts (rowid, title, abstract, authors)
      select p.rowid, p.title, p.abstract, coalesce((select group_concat(a.name, ' ; ') from authors a where a.paper_id = p.id), '')
      from papers p where p.rowid > ?`).run(maxRowid);
  db.prepare(`update meta set value = cast(value as integer) + 1 where key = 'data_generation'`).run();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  setMarker(file, want);
  return dir;
}
