// The importer's rules on small inputs: detection, hostile files, idempotence, vote counts kept apart.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { makeMember } from '../support/members.ts';
import { buildStore, FIXTURES, type TestStore } from '../support/store.ts';

const DAY = join(FIXTURES, 'hf-daily', '2026-06-02.json');
const LISTING = join(FIXTURES, 'arxiv-listings', 'daily-arxiv-jsonl', '2025-03-18.jsonl.gz');
const DAYDAY = join(FIXTURES, 'arxiv-listings', 'daydayarxiv', '2025-05-12.cs.AI.json.gz');

let t: TestStore;
beforeEach(async () => {
  t = await buildStore();
});
afterEach(async () => t.cleanup());

async function dump(t: TestStore) {
  const papers = await t.store.db.selectFrom('papers').selectAll().orderBy('id').execute();
  const authors = await t.store.db.selectFrom('authors').selectAll().orderBy('paper_id').orderBy('position').execute();
  const entries = await t.store.db
    .selectFrom('daily_entries')
    .select(['paper_id', 'day', 'added_at', 'submitted_by'])
    .orderBy('paper_id')
    .orderBy('day')
    .execute();
  return { papers: papers.map(({ created_at, changed_at, ...p }) => p), authors, entries };
}

describe('format detection', () => {
  it('reads each format, gzipped or not, with or without --format', async () => {
    const r = await importFiles(t.store.db, [DAY, LISTING, DAYDAY]);
    expect(r.rejected).toEqual([]);
    const hf = JSON.parse(readFileSync(DAY, 'utf8')) as unknown[];
    expect(r.counts.entries).toBe(hf.length);
    const forced = await importFiles(t.store.db, [DAY], { format: 'hf-daily' });
    expect(forced.counts.newPapers).toBe(0);
    const wrong = await importFiles(t.store.db, [DAY], { format: 'daydayarxiv' });
    expect(wrong.rejected[0]?.reason).toMatch(/DayDayArXiv/);
  });
});

describe('hostile and broken files', () => {
  it('names each bad file with its reason and imports the rest', async () => {
    const files: Record<string, string | Buffer> = {
      'broken.json': '[{"paper": {"id": "2401.00001", "title": "x"',
      'empty.json': '',
      'binary.json': Buffer.from([0, 1, 2, 3, 255, 254]),
      'truncated.json.gz': gzipSync(Buffer.from(readFileSync(DAY))).subarray(0, 500),
      'object.json': '{"hello": "world"}',
      'csv.jsonl': 'id,title\n2401.00001,Hello\n',
      'wrapped.json': JSON.stringify({ status: 'success', data: JSON.parse(readFileSync(DAY, 'utf8')) }),
    };
    for (const [name, body] of Object.entries(files)) writeFileSync(join(t.dir, name), body);
    const good = join(t.dir, '2026-06-02.json');
    copyFileSync(DAY, good);
    const r = await importFiles(t.store.db, [...Object.keys(files).map((n) => join(t.dir, n)), good, join(t.dir, 'missing.json')]);
    const reasons = Object.fromEntries(r.rejected.map((e) => [e.file.split('/').pop(), e.reason]));
    expect(Object.keys(reasons).sort()).toEqual([...Object.keys(files), 'missing.json'].sort());
    expect(reasons['truncated.json.gz']).toMatch(/gzip/);
    expect(reasons['binary.json']).toMatch(/binary/);
    expect(reasons['wrapped.json']).toMatch(/bare JSON array/);
    expect(reasons['missing.json']).toMatch(/no such file/);
    expect(r.counts.newPapers).toBe((JSON.parse(readFileSync(DAY, 'utf8')) as unknown[]).length);
  });

  it('skips bad records inside a good file, with their place and reason, and keeps the others', async () => {
    const items = JSON.parse(readFileSync(DAY, 'utf8')) as { paper: Record<string, unknown> }[];
    const [a, b, c] = items as [{ paper: Record<string, unknown> }, { paper: Record<string, unknown> }, { paper: Record<string, unknown> }];
    a.paper.id = "2401.00001'; DROP TABLE papers; --";
    b.paper.upvotes = -5;
    c.paper.title = '';
    const file = join(t.dir, '2026-06-02.json');
    writeFileSync(file, JSON.stringify([a, b, c, items[3]]));
    const r = await importFiles(t.store.db, [file]);
    expect(r.skipped.map((s) => s.where)).toEqual(['2026-06-02.json[0]', '2026-06-02.json[1]', '2026-06-02.json[2]']);
    expect(r.skipped[0]?.reason).toMatch(/not an arXiv id/);
    expect(r.counts.newPapers).toBe(1);
    const n = await t.store.db
      .selectFrom('papers')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('keeps hostile text as data (it is escaped on output, never run)', async () => {
    const items = JSON.parse(readFileSync(DAY, 'utf8')) as { paper: { id: string; title: string } }[];
    const first = items[0] as { paper: { id: string; title: string } };
    first.paper.title = `<script>alert("x")</script> Robert'); DROP TABLE papers;--`;
    const file = join(t.dir, '2026-06-02.json');
    writeFileSync(file, JSON.stringify([first]));
    await importFiles(t.store.db, [file]);
    const row = await t.store.db.selectFrom('papers').select('title').where('id', '=', first.paper.id).executeTakeFirstOrThrow();
    expect(row.title).toBe(first.paper.title);
  });
});

describe('idempotence and counts', () => {
  it('ends in the same rows whatever the order of the files', async () => {
    await importFiles(t.store.db, [DAY, LISTING, DAYDAY]);
    const other = await buildStore();
    try {
      await importFiles(other.store.db, [DAYDAY, LISTING, DAY]);
      expect(await dump(other)).toEqual(await dump(t));
    } finally {
      await other.cleanup();
    }
  });

  it('keeps imported upvotes apart from local votes, so a re-import never counts twice', async () => {
    await importFiles(t.store.db, [DAY]);
    const items = JSON.parse(readFileSync(DAY, 'utf8')) as { paper: { id: string; upvotes: number } }[];
    const p = (items[0] as { paper: { id: string; upvotes: number } }).paper;
    // A local member (imported Hugging Face profiles are not members here).
    const user = await makeMember(t.store);
    await t.store.db.insertInto('votes').values({ user_id: user.id, paper_id: p.id, created_at: new Date().toISOString() }).execute();
    await t.store.db.updateTable('papers').set({ local_upvotes: 1 }).where('id', '=', p.id).execute();
    const again = await importFiles(t.store.db, [DAY]);
    expect(again.counts.updatedPapers).toBe(0);
    const row = await t.store.db
      .selectFrom('papers')
      .select(['imported_upvotes', 'local_upvotes'])
      .where('id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(row.imported_upvotes + row.local_upvotes).toBe(p.upvotes + 1);
  });
});

describe('the folio import command', () => {
  it('prints one summary line and exits non-zero when a file was rejected', () => {
    const bad = join(t.dir, 'bad.json');
    writeFileSync(bad, 'not json');
    const env = t.env;
    const run = spawnSync(process.execPath, ['bin/folio.js', 'import', DAY, bad], { env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout.trim()).toMatch(/^imported \d+ papers \(\d+ new, 0 updated\), \d+ daily entries, 1 files rejected$/);
    expect(run.stderr).toContain(`rejected ${bad}: not a recognised format`);
    const ok = spawnSync(process.execPath, ['bin/folio.js', 'import', DAY], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toMatch(/\(0 new, 0 updated\).*0 files rejected$/);
    const usage = spawnSync(process.execPath, ['bin/folio.js', 'import', DAY, '--format', 'xml'], { env, encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/invalid/i);
  });
});
