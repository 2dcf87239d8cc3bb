// A harvest of arXiv's OAI-PMH endpoint into the corpus. Each page's papers and the harvest's state are
// stored in one transaction, so a harvest killed at any moment resumes right after its last stored page
// and ends with exactly the corpus of an uninterrupted run (storing is an idempotent upsert).
import type { Kysely } from 'kysely';
import { emptyCounts, storeBatchIn } from '../db/queries/store-papers.ts';
import type { Database, HarvestsTable } from '../db/schema.ts';
import { dayString } from '../domain/periods.ts';
import {
  type HarvestEvent,
  type HarvestMetadataPrefix,
  type HarvestState,
  harvestOaiPmh,
  newHarvestState,
} from '../ingest/arxiv/harvester.ts';
import type { FetchLike } from '../ingest/arxiv/http.ts';
import type { OaiPage } from '../ingest/arxiv/oai-pmh.ts';
import { harvestRecords } from '../observability/metrics.ts';

/** Retries of one request before a harvest gives up (it stays resumable). */
export const HARVEST_MAX_RETRIES = 5;

export interface HarvestOptions {
  endpoint: string;
  set?: string;
  from?: string;
  until?: string;
  metadataPrefix: HarvestMetadataPrefix;
  delayMs: number;
  fetch?: FetchLike;
  signal?: AbortSignal;
  onPage?: (page: OaiPage, totals: HarvestTotals) => void;
  onEvent?: (e: HarvestEvent) => void;
}

export interface HarvestTotals {
  id: number;
  records: number;
  newPapers: number;
  updatedPapers: number;
  skipped: number;
  pages: number;
  completeListSize?: number;
  status: HarvestsTable['status'];
}

type Row = Omit<HarvestsTable, 'id'> & { id: number };

function totals(row: Row, state?: HarvestState): HarvestTotals {
  return {
    id: row.id,
    records: row.records,
    newPapers: row.new_papers,
    updatedPapers: row.updated_papers,
    skipped: row.skipped,
    pages: row.pages,
    status: row.status,
    ...(state?.completeListSize !== undefined ? { completeListSize: state.completeListSize } : {}),
  };
}

export function summaryLine(t: HarvestTotals): string {
  return `harvested ${t.records} records (${t.newPapers} new, ${t.updatedPapers} updated, ${t.skipped} skipped) in ${t.pages} pages`;
}

/** The latest harvest of a set that did not finish, if any. */
export async function unfinishedHarvest(db: Kysely<Database>, set?: string): Promise<Row | undefined> {
  let q = db.selectFrom('harvests').selectAll().where('status', '!=', 'done');
  if (set !== undefined) q = q.where('set_spec', '=', set);
  return (await q.orderBy('id', 'desc').limit(1).executeTakeFirst()) as Row | undefined;
}

/** Where the next incremental harvest of a set starts: the last datestamp a finished one reached. */
export async function nextFromDay(db: Kysely<Database>, set: string, today = new Date()): Promise<string> {
  const last = (await db
    .selectFrom('harvests')
    .selectAll()
    .where('set_spec', '=', set)
    .where('status', '=', 'done')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()) as Row | undefined;
  const state = last ? (JSON.parse(last.state) as HarvestState) : undefined;
  // `from` is inclusive: the last day is read again, harmlessly, so nothing announced late is missed.
  return state?.lastDatestamp ?? last?.until_day ?? dayString(new Date(today.getTime() - 86_400_000));
}

async function createRow(db: Kysely<Database>, o: HarvestOptions, state: HarvestState): Promise<Row> {
  const now = new Date().toISOString();
  return (await db
    .insertInto('harvests')
    .values({
      source: 'arxiv-oai',
      endpoint: o.endpoint,
      set_spec: o.set ?? null,
      metadata_prefix: o.metadataPrefix,
      from_day: o.from ?? null,
      until_day: o.until ?? null,
      state: JSON.stringify(state),
      status: 'running',
      pages: 0,
      records: 0,
      new_papers: 0,
      updated_papers: 0,
      skipped: 0,
      started_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as Row;
}

/**
 * Runs a harvest: a new one from `opts`, or, with `resume`, the stored one given (its own endpoint, set
 * and window win). Returns the cumulative totals of the harvest, across resumptions.
 */
export async function harvestArxiv(db: Kysely<Database>, opts: HarvestOptions, resume?: Row): Promise<HarvestTotals> {
  let row: Row;
  let state: HarvestState;
  if (resume) {
    row = resume;
    state = JSON.parse(resume.state) as HarvestState;
  } else {
    state = newHarvestState({
      metadataPrefix: opts.metadataPrefix,
      ...(opts.set !== undefined ? { set: opts.set } : {}),
      ...(opts.from !== undefined ? { from: opts.from } : {}),
      ...(opts.until !== undefined ? { until: opts.until } : {}),
    });
    row = await createRow(db, opts, state);
  }
  const id = row.id;
  try {
    const final = await harvestOaiPmh({
      endpoint: row.endpoint,
      metadataPrefix: state.metadataPrefix,
      ...(state.set !== undefined ? { set: state.set } : {}),
      ...(state.from !== undefined ? { from: state.from } : {}),
      ...(state.until !== undefined ? { until: state.until } : {}),
      state,
      delayMs: opts.delayMs,
      maxRetries: HARVEST_MAX_RETRIES,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      onPage: async (page, next) => {
        const now = new Date().toISOString();
        let c = emptyCounts();
        row = await db.transaction().execute(async (trx) => {
          c = await storeBatchIn(trx, { papers: page.records, entries: [] }, now);
          return (await trx
            .updateTable('harvests')
            .set((eb) => ({
              state: JSON.stringify(next),
              pages: next.pages,
              records: next.records,
              skipped: next.skipped,
              new_papers: eb('new_papers', '+', c.newPapers),
              updated_papers: eb('updated_papers', '+', c.updatedPapers),
              status: next.done ? 'done' : 'running',
              updated_at: now,
              finished_at: next.done ? now : null,
              last_error: null,
            }))
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow()) as Row;
        });
        harvestRecords.inc({ outcome: 'new' }, c.newPapers);
        harvestRecords.inc({ outcome: 'updated' }, c.updatedPapers);
        harvestRecords.inc({ outcome: 'unchanged' }, c.papers - c.newPapers - c.updatedPapers);
        harvestRecords.inc({ outcome: 'skipped' }, page.skipped.length);
        opts.onPage?.(page, totals(row, next));
      },
    });
    if (final.done && row.status !== 'done') {
      // A state that was already done on resume: nothing was requested, close the row.
      row = (await db
        .updateTable('harvests')
        .set({ status: 'done', finished_at: new Date().toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()) as Row;
    }
    return totals(row, final);
  } catch (err) {
    await db
      .updateTable('harvests')
      .set({ status: 'failed', last_error: err instanceof Error ? err.message : String(err), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
    throw err;
  }
}
