#!/usr/bin/env node
// Cuts the small real fixtures in test/fixtures/ out of the shared real data (FOLIO_SHARED_DATA, or
// ../shared/data beside the checkout). Run once when the fixtures need to change; the tests never run it.
// Each source keeps its licence file beside its slice (see test/fixtures/NOTICE.md).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(import.meta.dirname, '..');
const shared = process.env.FOLIO_SHARED_DATA ?? join(root, '..', 'shared', 'data');
const out = join(root, 'test', 'fixtures');
if (!existsSync(shared)) throw new Error(`no shared data at ${shared}: set FOLIO_SHARED_DATA`);

const put = (rel, body) => {
  mkdirSync(dirname(join(out, rel)), { recursive: true });
  writeFileSync(join(out, rel), body);
};
const copy = (rel, to = rel) => {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(shared, rel), join(out, to));
};

for (const d of ['hf-daily', 'arxiv-listings', 'arxiv-api', 'csfcube']) rmSync(join(out, d), { recursive: true, force: true });

// Daily Papers bodies: the days the web, API, feed and search tests use, one early day (mediaUrl, hard line
// breaks), one mid-2025 day, and two of the malformed days (Python repr lists, a wrapped body).
for (const day of ['2024-05-27', '2024-12-11', '2025-01-10', '2025-07-22', '2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-08', '2026-06-09']) {
  copy(`hf-daily/${day}.json`);
}
// The only two days of the collection that share a paper, cut to that paper and the two entries before it,
// so that the importer's "one paper, two days, two submitters" rule is met by real data.
{
  const ids = (day) => JSON.parse(readFileSync(join(shared, `hf-daily/${day}.json`), 'utf8')).map((e) => e.paper.id);
  const [a, b] = ['2026-04-10', '2026-04-16'];
  const common = ids(a).filter((id) => ids(b).includes(id));
  for (const day of [a, b]) {
    const items = JSON.parse(readFileSync(join(shared, `hf-daily/${day}.json`), 'utf8'));
    const at = items.findIndex((e) => common.includes(e.paper.id));
    put(`hf-daily/${day}.json`, `${JSON.stringify(items.slice(Math.max(0, at - 2), at + 1), null, 2)}\n`);
  }
}

// Listings (daily-arxiv-ai-enhanced): two whole days, and the first lines of the days the harvest tests
// walk through, so that ids repeat across days as they do in the full set.
const FULL = ['2025-03-18', '2026-06-01'];
const CUT = { '2025-04-01': 120, '2025-04-07': 150, '2025-04-08': 150, '2025-04-10': 120, '2025-06-02': 150, '2025-06-03': 150, '2026-06-30': 150 };
for (const day of FULL) copy(`arxiv-listings/daily-arxiv-jsonl/${day}.jsonl.gz`);
for (const [day, n] of Object.entries(CUT)) {
  const lines = gunzipSync(readFileSync(join(shared, `arxiv-listings/daily-arxiv-jsonl/${day}.jsonl.gz`)))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim());
  put(`arxiv-listings/daily-arxiv-jsonl/${day}.jsonl.gz`, gzipSync(`${lines.slice(0, n).join('\n')}\n`));
}

// The DayDayArXiv layout (an array of records with versioned ids and dates). That project states no licence,
// so no file of it is copied: only arXiv's own metadata (CC0) of a few records, written anew in the layout.
const ARXIV_FIELDS = ['arxiv_id', 'title', 'authors', 'abstract', 'categories', 'primary_category', 'comment', 'pdf_url', 'published_date', 'updated_date'];
for (const [day, n] of Object.entries({ '2025-05-12': 80, '2025-06-02': 60, '2025-06-03': 60 })) {
  const items = JSON.parse(gunzipSync(readFileSync(join(shared, `arxiv-listings/daydayarxiv/${day}.cs.AI.json.gz`))).toString('utf8'));
  const kept = items.slice(0, n).map((o) => Object.fromEntries(ARXIV_FIELDS.filter((k) => k in o).map((k) => [k, o[k]])));
  put(`arxiv-listings/daydayarxiv/${day}.cs.AI.json.gz`, gzipSync(JSON.stringify(kept, null, 1)));
}

// Recorded arXiv API and OAI-PMH responses, with their licences. The litpuvn recording states no licence: it
// stays in the shared data, and the tests that read it run only there.
for (const dir of ['atom/lukasschwab_arxiv.py_2016', 'atom/lukasschwab_arxiv.py_2026_recorded', 'atom/orijtech_arxiv_2017', 'oaipmh/mikesaelim_arXivOAIHarvester_2015', 'oaipmh/nesta_semisynthetic_2018']) {
  for (const f of readdirSync(join(shared, 'arxiv-api', dir))) copy(`arxiv-api/${dir}/${f}`);
}

// CSFCube (CC BY-NC 4.0): one dev query per facet with its whole judged pool and SPECTER's ranking of it.
const FACETS = ['background', 'method', 'result'];
const keep = new Set();
for (const facet of FACETS) {
  const anns = JSON.parse(readFileSync(join(shared, `csfcube/dev-pid2anns-${facet}.json`), 'utf8'));
  const ranked = JSON.parse(readFileSync(join(shared, `csfcube/dev-specter-ranked-${facet}.json`), 'utf8'));
  const [q] = Object.keys(anns).sort();
  keep.add(q);
  for (const c of anns[q].cands) keep.add(c);
  put(`csfcube/dev-pid2anns-${facet}.json`, JSON.stringify({ [q]: anns[q] }));
  put(`csfcube/dev-specter-ranked-${facet}.json`, JSON.stringify({ [q]: ranked[q] }));
}
const corpus = [];
for (const f of readdirSync(join(shared, 'csfcube')).filter((n) => n.startsWith('corpus_')).sort()) {
  for (const line of readFileSync(join(shared, 'csfcube', f), 'utf8').split('\n')) {
    if (line.trim() && keep.has(String(JSON.parse(line).paper_id))) corpus.push(line);
  }
}
put('csfcube/corpus_from_readable_annotations.jsonl', `${corpus.join('\n')}\n`);
copy('csfcube/LICENSE.md');
console.log(`fixtures written to ${out}`);
