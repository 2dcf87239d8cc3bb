// Imports every data file (the fixtures always; the whole shared collection when it is here) and checks the store against counts computed here, from the files
// themselves, with a reader independent of the importer's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportReport, importFiles, summaryLine } from '../../src/actions/import-files.ts';
import { parseArxivId } from '../../src/domain/arxiv-id.ts';
import { buildStore, describeShared, FIXTURES, SHARED_DATA, type TestStore } from '../support/store.ts';

function read(file: string): string {
  const b = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(b) : b).toString('utf8');
}

/** What the files hold, by a plain reading of them. */
function expectations(HF: string, LISTINGS: string) {
  const papers = new Set<string>();
  const entries = new Set<string>();
  const reprFiles: string[] = [];
  for (const name of readdirSync(HF).sort()) {
    const body = JSON.parse(read(join(HF, name))) as unknown;
    const list = Array.isArray(body) ? body : (body as { data: unknown[] }).data;
    if (!Array.isArray(body) || typeof list[0] === 'string') {
      reprFiles.push(join(HF, name));
      continue;
    }
    for (const item of list as { paper: { id: string } }[]) {
      papers.add(item.paper.id);
      entries.add(`${item.paper.id} ${name.slice(0, 10)}`);
    }
  }
  let listingRecords = 0;
  for (const name of readdirSync(join(LISTINGS, 'daily-arxiv-jsonl'))) {
    for (const line of read(join(LISTINGS, 'daily-arxiv-jsonl', name)).split('\n')) {
      if (!line.trim()) continue;
      const id = parseArxivId((JSON.parse(line) as { id: string }).id);
      if (id) papers.add(id.id);
      listingRecords++;
    }
  }
  for (const name of readdirSync(join(LISTINGS, 'daydayarxiv'))) {
    for (const r of JSON.parse(read(join(LISTINGS, 'daydayarxiv', name))) as { arxiv_id: string }[]) {
      const id = parseArxivId(r.arxiv_id);
      if (id) papers.add(id.id);
      listingRecords++;
    }
  }
  return { papers, entries, reprFiles, listingRecords };
}

function importAll(root: string, reprFileCount: number): () => void {
  return () => importAllOf(join(root, 'hf-daily'), join(root, 'arxiv-listings'), reprFileCount);
}

function importAllOf(HF: string, LISTINGS: string, reprFileCount: number): void {
  let t: TestStore;
  let first: ImportReport;
  let second: ImportReport;
  let expected: ReturnType<typeof expectations>;

  beforeAll(async () => {
    expected = expectations(HF, LISTINGS);
    t = await buildStore();
    first = await importFiles(t.store.db, [HF, LISTINGS]);
    second = await importFiles(t.store.db, [LISTINGS, HF]);
    // Two imports of all 71,700 listings: minutes on PostgreSQL, and more than 10 of them when other
    // suites share the machine's two cores (seen once).
  }, 1_200_000);
  afterAll(async () => t?.cleanup());

  it('rejects exactly the Python-repr files of hf-daily, each with a clear reason', () => {
    expect(expected.reprFiles.length).toBe(reprFileCount);
    expect(first.rejected.map((r) => r.file).sort()).toEqual(expected.reprFiles);
    for (const r of first.rejected) expect(r.reason).toMatch(/Python repr/);
  });

  it('stores every paper and every daily entry', async () => {
    const papers = await t.store.db
      .selectFrom('papers')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const entries = await t.store.db
      .selectFrom('daily_entries')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(papers.n)).toBe(expected.papers.size);
    expect(Number(entries.n)).toBe(expected.entries.size);
    expect(first.counts.newPapers).toBe(expected.papers.size);
    expect(first.counts.papers).toBe(expected.listingRecords + expected.entries.size - first.skipped.length);
    expect(first.skipped).toEqual([]);
  });

  it('is idempotent: a second run, in another order, reports nothing new or changed', () => {
    expect(second.counts.newPapers).toBe(0);
    expect(second.counts.updatedPapers).toBe(0);
    expect(second.counts.newEntries).toBe(0);
    expect(second.counts.updatedEntries).toBe(0);
    expect(summaryLine(second)).toMatch(
      new RegExp(String.raw`^imported \d+ papers \(0 new, 0 updated\), \d+ daily entries, ${reprFileCount} files rejected$`),
    );
  });

  it('keeps a paper that sat on two days on both lists, each with its own submitter', async () => {
    const counts = new Map<string, number>();
    for (const e of expected.entries) {
      const id = e.split(' ')[0] as string;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice.length).toBeGreaterThan(0);
    for (const id of twice) {
      const rows = await t.store.db.selectFrom('daily_entries').select(['day', 'submitted_by']).where('paper_id', '=', id).execute();
      expect(rows.length).toBe(counts.get(id));
      expect(new Set(rows.map((r) => r.day)).size).toBe(rows.length);
    }
  });
}

describe('importing all the fixtures', importAll(FIXTURES, 2));
// The whole collection: 542 Daily Papers days (22 of them Python repr lists) and about 71,700 papers.
describeShared('importing all shared data', importAll(SHARED_DATA ?? '', 22));
