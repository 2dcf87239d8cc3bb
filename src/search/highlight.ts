// Marks the words of a text that match a query, as pieces that concatenate back to the text exactly
// (`highlightedTitle` / `highlightedSummary` in the API). Matching is on Porter stems, as the keyword
// index matches, so "learning" marks "learned"; prefix terms mark words that start with them.
import { stemmer } from 'stemmer';
import type { ParsedQuery } from './keyword/query.ts';

export interface Piece {
  type: 'text' | 'highlight';
  text: string;
}

const WORD = /[\p{L}\p{N}]+/gu;
/** Stems of words seen lately: abstracts repeat words, and stemming every word of 20 abstracts per search costs more than the search. */
const STEM_CACHE_SIZE = 50_000;
const seen = new Map<string, [folded: string, stem: string]>();

/** A word folded (accents off, lower case) and its stem. */
function wordForms(word: string): [folded: string, stem: string] {
  let v = seen.get(word);
  if (v === undefined) {
    const f = fold(word);
    v = [f, stemmer(f)];
    if (seen.size >= STEM_CACHE_SIZE) seen.clear();
    seen.set(word, v);
  }
  return v;
}

function fold(w: string): string {
  return w.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export function highlight(text: string, q: ParsedQuery): Piece[] {
  const wanted = new Set<string>();
  const prefixes: string[] = [];
  for (const t of q.terms) {
    if (t.negated) continue;
    t.words.forEach((w, i) => {
      const [f, st] = wordForms(w);
      if (t.prefix && i === t.words.length - 1) prefixes.push(f);
      else wanted.add(st);
    });
  }
  const pieces: Piece[] = [];
  let last = 0;
  const push = (type: Piece['type'], s: string) => {
    if (!s) return;
    const prev = pieces[pieces.length - 1];
    if (prev && prev.type === type) prev.text += s;
    else pieces.push({ type, text: s });
  };
  for (const m of text.matchAll(WORD)) {
    const [f, st] = wordForms(m[0]);
    if (wanted.has(st) || prefixes.some((p) => f.startsWith(p))) {
      push('text', text.slice(last, m.index));
      push('highlight', m[0]);
      last = m.index + m[0].length;
    }
  }
  push('text', text.slice(last));
  return pieces;
}
