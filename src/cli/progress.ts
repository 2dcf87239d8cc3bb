// Progress for long commands: a bar on a terminal, plain lines otherwise (logs, CI, pipes).
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { HarvestTotals } from '../actions/harvest-arxiv.ts';
import type { ImportProgress } from '../actions/import-files.ts';
import type { HarvestEvent } from '../ingest/arxiv/harvester.ts';
import type { OaiPage } from '../ingest/arxiv/oai-pmh.ts';

export function importProgress(stream: NodeJS.WriteStream = process.stderr): ImportProgress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: 'importing [{bar}] {value}/{total} files | {papers} papers | {file}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let papers = 0;
    return {
      start: (total) => bar.start(total, 0, { papers: 0, file: '' }),
      file: (file, counts) => {
        papers += counts.papers;
        bar.increment(1, { papers, file: basename(file) });
      },
      rejected: (err) => {
        bar.increment(1);
        stream.write(`\nrejected ${err.file}: ${err.reason}\n`);
      },
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  let total = 0;
  return {
    start: (t) => {
      total = t;
    },
    file: (file, c) => {
      done++;
      stream.write(
        `[${done}/${total}] ${file}: ${c.papers} papers (${c.newPapers} new, ${c.updatedPapers} updated), ${c.entries} daily entries\n`,
      );
    },
    rejected: (err) => {
      done++;
      stream.write(`rejected ${err.file}: ${err.reason}\n`);
    },
    stop: () => {},
  };
}

/** Harvest progress: a bar of records against the server's list size when known, else plain lines. */
export function harvestProgress(stream: NodeJS.WriteStream = process.stderr): {
  page: (page: OaiPage, t: HarvestTotals) => void;
  event: (e: HarvestEvent) => void;
  stop: () => void;
} {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: 'harvesting [{bar}] {value}/{total} records | {pages} pages | {new} new', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      page: (_p, t) => {
        const total = Math.max(t.completeListSize ?? t.records, t.records);
        if (!started) {
          bar.start(total, t.records, { pages: t.pages, new: t.newPapers });
          started = true;
        }
        bar.setTotal(total);
        bar.update(t.records, { pages: t.pages, new: t.newPapers });
      },
      event: (e) => {
        if (e.type === 'retry' || e.type === 'restart' || e.type === 'warning') stream.write(`\n${describeEvent(e)}\n`);
      },
      stop: () => started && bar.stop(),
    };
  }
  return {
    page: (p, t) => {
      stream.write(
        `page ${t.pages}: ${p.records.length} records, ${p.skipped.length} skipped (total ${t.records}${t.completeListSize ? `/${t.completeListSize}` : ''})\n`,
      );
      for (const s of p.skipped) stream.write(`  skipped ${s.identifier ?? '?'}: ${s.reason}\n`);
    },
    event: (e) => {
      if (e.type !== 'request') stream.write(`${describeEvent(e)}\n`);
    },
    stop: () => {},
  };
}

function describeEvent(e: HarvestEvent): string {
  switch (e.type) {
    case 'retry':
      return `retrying: ${JSON.stringify(e.info)}`;
    case 'restart':
      return `restarting the list${e.from ? ` from ${e.from}` : ''}: ${e.reason}`;
    case 'warning':
      return `warning: ${e.message}`;
    default:
      return `request ${e.url}`;
  }
}

/** Progress of `folio migrate-store`: one line per table (copies are long but few). */
export function copyProgress(stream: NodeJS.WriteStream = process.stderr): {
  table(name: string, total: number): void;
  rows(name: string, done: number): void;
} {
  return {
    table: (name, total) => stream.write(`copying ${name} (${total} rows)\n`),
    rows: (name, done) => {
      if (stream.isTTY) stream.write(`\r  ${name}: ${done} rows`);
    },
  };
}
