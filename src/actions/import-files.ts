// `folio import`: parse each file, store it in its own transaction, report progress and one summary.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { addCounts, emptyCounts, type StoreCounts, storeBatch } from '../db/queries/store-papers.ts';
import type { Database } from '../db/schema.ts';
import { RejectedFileError, type SkippedRecord } from '../ingest/errors.ts';
import { type Format, listSourceFiles, parseSourceFile } from '../ingest/read-files.ts';

export interface ImportReport {
  counts: StoreCounts;
  files: number;
  rejected: RejectedFileError[];
  skipped: SkippedRecord[];
}

export interface ImportProgress {
  start(totalFiles: number): void;
  file(file: string, counts: StoreCounts): void;
  rejected(err: RejectedFileError): void;
  stop(): void;
}

export const silentProgress: ImportProgress = { start() {}, file() {}, rejected() {}, stop() {} };

export async function importFiles(
  db: Kysely<Database>,
  paths: string[],
  opts: { format?: Format; progress?: ImportProgress } = {},
): Promise<ImportReport> {
  const progress = opts.progress ?? silentProgress;
  const { files, missing } = listSourceFiles(paths);
  const report: ImportReport = { counts: emptyCounts(), files: files.length, rejected: [...missing], skipped: [] };
  for (const m of missing) progress.rejected(m);
  progress.start(files.length);
  for (const file of files) {
    try {
      const parsed = parseSourceFile(file, opts.format ?? 'auto');
      const counts = await storeBatch(db, parsed);
      report.counts = addCounts(report.counts, counts);
      report.skipped.push(...parsed.skipped);
      progress.file(file, counts);
    } catch (e) {
      if (!(e instanceof RejectedFileError)) throw e;
      report.rejected.push(e);
      progress.rejected(e);
    }
    // SQLite calls are synchronous: without this, a long import would starve timers and sockets
    // (a server loading data, a test runner's heartbeat) until the very last file.
    await yieldToEventLoop();
  }
  progress.stop();
  return report;
}

export function summaryLine(r: ImportReport): string {
  const c = r.counts;
  return `imported ${c.papers} papers (${c.newPapers} new, ${c.updatedPapers} updated), ${c.entries} daily entries, ${r.rejected.length} files rejected`;
}
