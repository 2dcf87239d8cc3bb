// The search box's little language, parsed by Folio and never handed raw to a search engine:
//   words            all must match (stemmed: "learning" finds "learn", "learned")
//   "a phrase"       the words in this order (an unclosed quote runs to the end)
//   prefix*          words starting with "prefix"
//   -word, -"a b"    must not match
// Anything else (operators, brackets, punctuation, other scripts' symbols) only separates words, so
// every input yields a query or a clear message, never an engine error.

/** Queries are cut here (the Hugging Face API's limit on `q`); longer input is truncated, not refused. */
export const MAX_QUERY_CHARS = 250;
/** More terms than this add nothing but cost. */
export const MAX_TERMS = 32;
/** FTS5 keywords that would otherwise be read as operators if they reached the engine. */
const ENGINE_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'NEAR']);
const WORD = /[\p{L}\p{N}]+/gu;

export interface Term {
  /** Lower-case words; several for a phrase (or a hyphenated word such as "in-context"). */
  words: string[];
  prefix: boolean;
  negated: boolean;
}

export interface ParsedQuery {
  terms: Term[];
  /** The input was longer than MAX_QUERY_CHARS or had more than MAX_TERMS terms. */
  truncated: boolean;
  /** Why there is nothing to search for, when there is not. */
  problem?: string;
}

function words(s: string): string[] {
  return (s.normalize('NFKC').match(WORD) ?? []).map((w) => w.toLowerCase());
}

export function parseQuery(input: unknown): ParsedQuery {
  const raw = typeof input === 'string' ? input : '';
  const text = raw.slice(0, MAX_QUERY_CHARS);
  let truncated = raw.length > MAX_QUERY_CHARS;
  const terms: Term[] = [];
  // A token: optional minus, then a quoted phrase (closed or not) or a run of non-space characters.
  const TOKEN = /(-?)(?:"([^"]*)"?|(\S+))/g;
  for (const m of text.matchAll(TOKEN)) {
    const negated = m[1] === '-';
    if (m[2] !== undefined) {
      const w = words(m[2]);
      if (w.length) terms.push({ words: w, prefix: false, negated });
      continue;
    }
    const token = m[3] ?? '';
    if (ENGINE_KEYWORDS.has(token)) continue;
    const prefix = /[\p{L}\p{N}]\*+$/u.test(token);
    const w = words(token);
    if (w.length) terms.push({ words: w, prefix, negated });
  }
  if (terms.length > MAX_TERMS) {
    terms.length = MAX_TERMS;
    truncated = true;
  }
  if (!terms.length) return { terms, truncated, problem: 'Type a word to search for.' };
  if (terms.every((t) => t.negated)) return { terms, truncated, problem: 'Say what to look for, not only what to leave out.' };
  return { terms, truncated };
}

function ftsTerm(t: Term): string {
  // Words hold letters and digits only, so quoting them cannot break out of the string.
  return `"${t.words.join(' ')}"${t.prefix ? '*' : ''}`;
}

/** The FTS5 MATCH expression: positive terms joined (AND by default, OR on request), minus the negated. */
export function toFts5(q: ParsedQuery, join: 'AND' | 'OR' = 'AND'): string {
  const pos = q.terms.filter((t) => !t.negated).map(ftsTerm);
  const neg = q.terms.filter((t) => t.negated).map(ftsTerm);
  let expr = pos.length > 1 ? `(${pos.join(` ${join} `)})` : (pos[0] ?? '');
  for (const n of neg) expr = `${expr} NOT ${n}`;
  return expr;
}

/** The plain words of the positive terms, for the meaning model and the highlighter. */
export function positiveText(q: ParsedQuery): string {
  return q.terms
    .filter((t) => !t.negated)
    .map((t) => t.words.join(' '))
    .join(' ');
}

function tsTerm(t: Term): string {
  // Words hold letters and digits only, so they cannot break tsquery syntax.
  const words = t.words.map((w, i) => (t.prefix && i === t.words.length - 1 ? `${w}:*` : w));
  const expr = words.length > 1 ? `(${words.join(' <-> ')})` : (words[0] as string);
  return t.negated ? `!${expr}` : expr;
}

/** The same query for PostgreSQL's to_tsquery('english', ...): & or |, <-> for phrases, :* for prefixes, ! to exclude. */
export function toTsQuery(q: ParsedQuery, join: 'AND' | 'OR' = 'AND'): string {
  const pos = q.terms.filter((t) => !t.negated).map(tsTerm);
  const neg = q.terms.filter((t) => t.negated).map(tsTerm);
  const positive = pos.length > 1 ? `(${pos.join(join === 'AND' ? ' & ' : ' | ')})` : (pos[0] ?? '');
  return [positive, ...neg].join(' & ');
}
