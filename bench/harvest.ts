// Harvest throughput from the local stand-in arXiv (delay 0): the whole listings corpus as OAI-PMH
// pages, parsed and stored, beside only parsing the very same bytes in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harvestArxiv } from '../src/actions/harvest-arxiv.ts';
import { openStore } from '../src/db/connection.ts';
import { parseOaiPmh } from '../src/ingest/arxiv/oai-pmh.ts';
import { startArxivStandin } from '../test/support/arxiv-standin/server.ts';
import type { Row } from './table.ts';

export async function benchHarvest(): Promise<Row[]> {
  const standin = await startArxivStandin({ corpus: 'listings', pageSize: 1000 });
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-harvest-'));
  const store = await openStore(dir);
  const pages: Buffer[] = [];
  // Keep each page's bytes as they arrive, to parse them again on their own afterwards.
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.ok) pages.push(body);
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  try {
    const t0 = performance.now();
    const totals = await harvestArxiv(store.db, {
      endpoint: standin.oaiUrl,
      set: 'cs',
      from: '2000-01-01',
      metadataPrefix: 'arXiv',
      delayMs: 0,
      fetch: recording,
    });
    const harvestS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    let parsed = 0;
    for (const p of pages) parsed += parseOaiPmh(p).records.length;
    const parseS = (performance.now() - t1) / 1000;
    const mb = pages.reduce((n, p) => n + p.length, 0) / 1e6;
    return [
      {
        step: 'harvest (HTTP + parse + store)',
        records: totals.records,
        pages: totals.pages,
        MB: mb,
        seconds: harvestS,
        'records/s': Math.round(totals.records / harvestS),
      },
      {
        step: 'parse only, same bytes',
        records: parsed,
        pages: pages.length,
        MB: mb,
        seconds: parseS,
        'records/s': Math.round(parsed / parseS),
      },
      {
        step: 'ratio harvest / parse-only',
        records: '',
        pages: '',
        MB: '',
        seconds: '',
        'records/s': totals.records / harvestS / (parsed / parseS),
      },
    ];
  } finally {
    await store.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
