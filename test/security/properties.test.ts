// Property tests for the parsers that take outside text: the search box's language, arXiv ids, the
// Daily Papers and listing importers, and the arXiv XML readers. Whatever they are given, they answer
// (a value, a reason, or their own typed error), never crash, and what they hand on is safe by shape.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseArxivId, parseArxivId } from '../../src/domain/arxiv-id.ts';
import { parseArxivAtom } from '../../src/ingest/arxiv/atom.ts';
import { ArxivIngestError } from '../../src/ingest/arxiv/errors.ts';
import { parseOaiPmh } from '../../src/ingest/arxiv/oai-pmh.ts';
import { parseHfDaily } from '../../src/ingest/hf-daily/parse.ts';
import { parseArxivJsonl } from '../../src/ingest/listings/arxiv-jsonl.ts';
import { MAX_QUERY_CHARS, MAX_TERMS, parseQuery, toFts5, toTsQuery } from '../../src/search/keyword/query.ts';
import { HOSTILE } from '../support/hostile.ts';
import { FIXTURES } from '../support/store.ts';

/** Runs per property: enough to find the shallow bugs in a test run; FOLIO_PROPERTY_RUNS for a deep soak. */
const RUNS = Number(process.env.FOLIO_PROPERTY_RUNS ?? 300);
const params = { numRuns: RUNS };

/** Text a hostile user might type: any code points, the search language's own symbols, and the corpus. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({
    unit: fc.constantFrom('"', '-', '*', ' ', 'a', 'é', '日', 'AND', 'OR', 'NOT', 'NEAR', '(', ')', ':', '^', "'", '\\'),
    maxLength: 60,
  }),
  fc.constantFrom(...HOSTILE),
);

describe('the search language', () => {
  // A real FTS5 table: every expression Folio builds must be one the engine accepts.
  const sqlite = new Database(':memory:');
  sqlite.exec("create virtual table t using fts5(body, tokenize = 'porter unicode61')");
  sqlite.prepare('insert into t(body) values (?)').run('learning attention in context');
  const match = sqlite.prepare('select count(*) as n from t where t match ?');

  it('parses any input into bounded terms of letters and digits, or a reason', () => {
    fc.assert(
      fc.property(anyText, (input) => {
        const q = parseQuery(input);
        expect(q.terms.length).toBeLessThanOrEqual(MAX_TERMS);
        for (const t of q.terms) for (const w of t.words) expect(w).toMatch(/^[\p{L}\p{N}]+$/u);
        if (!q.terms.some((t) => !t.negated)) expect(q.problem).toBeTruthy();
        expect(q.truncated).toBe(input.length > MAX_QUERY_CHARS || q.truncated);
      }),
      params,
    );
  });

  it('builds FTS5 and tsquery expressions the engines accept, from any input', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom('AND' as const, 'OR' as const), (input, join) => {
        const q = parseQuery(input);
        if (q.problem) return;
        const fts = toFts5(q, join);
        expect(() => match.get(fts)).not.toThrow();
        // tsquery: quoted words never appear; only words, operators and grouping.
        expect(toTsQuery(q, join)).toMatch(/^[\p{L}\p{N}&|!():*<\->\s]+$/u);
      }),
      params,
    );
  });
});

describe('arXiv ids', () => {
  // The new scheme began in April 2007; from 2008 every month is in it.
  const newId = fc
    .tuple(fc.integer({ min: 8, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 99_999 }))
    .map(([yy, mm, n]) => {
      const digits = yy >= 15 ? 5 : 4;
      return `${String(yy).padStart(2, '0')}${String(mm).padStart(2, '0')}.${String(n % 10 ** digits).padStart(digits, '0')}`;
    });

  it('never throws, and what it returns is canonical and stable', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.anything()), (input) => {
        const id = parseArxivId(input);
        if (id === null) return;
        expect(id.id).toMatch(/^(\d{4}\.\d{4,5}|[a-z]+(-[a-z]+)?\/\d{7})$/);
        expect(normaliseArxivId(id.id)).toBe(id.id);
      }),
      params,
    );
  });

  it('finds the same id in every form people paste', () => {
    fc.assert(
      fc.property(newId, fc.integer({ min: 1, max: 9 }), (id, v) => {
        for (const form of [id, `${id}v${v}`, `arXiv:${id}`, `https://arxiv.org/abs/${id}v${v}`, `http://export.arxiv.org/pdf/${id}.pdf`]) {
          expect(parseArxivId(form)?.id, form).toBe(id);
        }
      }),
      params,
    );
  });
});

/** A JSON value at any depth, replacing a field of a real record. */
const jsonValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...HOSTILE), fc.constant(undefined));

/** Every path to a value in a JSON tree (objects and arrays), root excluded. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...prefix, k], ...paths((v as Record<string | number, unknown>)[k], [...prefix, k])]);
}

function mutate(record: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(record) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

describe('importers', () => {
  const day = JSON.parse(readFileSync(join(FIXTURES, 'hf-daily', '2026-06-02.json'), 'utf8')) as unknown[];
  const record = day[0];
  const recordPaths = paths(record);

  it('stores or skips with a reason any mutation of a real Daily Papers record, never crashing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...recordPaths), jsonValue), { minLength: 1, maxLength: 4 }), (changes) => {
        let r = record;
        for (const [path, value] of changes) {
          try {
            r = mutate(r, path, value);
          } catch {
            // The path no longer exists after an earlier change: keep the record as it is.
          }
        }
        const out = parseHfDaily([r], '2026-06-02', 'day.json');
        expect(out.papers.length + out.skipped.length).toBe(1);
        for (const s of out.skipped) expect(s.reason).toMatch(/\w/);
        for (const p of out.papers) {
          expect(typeof p.title).toBe('string');
          expect(parseArxivId(p.id)?.id).toBe(p.id);
        }
      }),
      params,
    );
  });

  it('reads any mutation of a real listing line as a paper or a reason', () => {
    const gz = readFileSync(join(FIXTURES, 'arxiv-listings', 'daily-arxiv-jsonl', '2025-03-18.jsonl.gz'));
    const line = gunzipSync(gz).toString('utf8').split('\n')[0] as string;
    const base = JSON.parse(line) as unknown;
    const basePaths = paths(base);
    fc.assert(
      fc.property(fc.constantFrom(...basePaths), jsonValue, fc.nat(line.length), (path, value, cut) => {
        const mutated = JSON.stringify(mutate(base, path, value));
        for (const text of [mutated, line.slice(0, cut), `${line}\n${mutated}`]) {
          if (!text.trim()) continue;
          const out = parseArxivJsonl(text, '2025-03-18', 'listing.jsonl');
          expect(out.papers.length + out.skipped.length).toBeGreaterThan(0);
          for (const s of out.skipped) expect(s.reason).toMatch(/\w/);
        }
      }),
      params,
    );
  });
});

describe('arXiv XML readers', () => {
  const atom = (
    JSON.parse(
      readFileSync(
        join(FIXTURES, 'arxiv-api', 'atom', 'lukasschwab_arxiv.py_2026_recorded', 'id_1707.08567_s0_m100_6a1afebfc6a3.json'),
        'utf8',
      ),
    ) as { body: string }
  ).body;
  const oai = readFileSync(join(FIXTURES, 'arxiv-api', 'oaipmh', 'mikesaelim_arXivOAIHarvester_2015', 'ListRecordsResponse.xml'), 'utf8');

  /** A real document cut, with text spliced in: truncation, hostile text, entity tricks, stray markup. */
  const damaged = (doc: string) =>
    fc
      .tuple(
        fc.nat(doc.length),
        fc.nat(doc.length),
        fc.oneof(anyText, fc.constantFrom('<', '&', ']]>', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', '\u0000')),
      )
      .map(([at, cut, text]) => `${doc.slice(0, at)}${text}${doc.slice(at, Math.max(at, cut))}`);

  for (const [name, doc, parse] of [
    ['Atom (query API)', atom, (s: string) => parseArxivAtom(s)],
    ['OAI-PMH', oai, (s: string) => parseOaiPmh(s)],
  ] as const) {
    it(`${name}: any damaged response parses or fails with the reader's own error`, () => {
      fc.assert(
        fc.property(damaged(doc), (text) => {
          try {
            parse(text);
          } catch (e) {
            expect(e, String(e)).toBeInstanceOf(ArxivIngestError);
          }
        }),
        params,
      );
    });
  }
});
