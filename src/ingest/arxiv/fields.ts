// Field readers shared by the arXiv parsers: strict dates (anything odd is rejected, never guessed) and
// arXiv's free-text author lists.
import type { AuthorRecord } from '../../domain/paper.ts';
import { cleanText } from '../../domain/paper.ts';

function isoFromParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, offsetMinutes = 0): string | undefined {
  if (y < 1000 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  // Date.UTC rolls 2013-02-30 over to March: such dates do not exist.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return new Date(t - offsetMinutes * 60_000).toISOString();
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const W3C = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const RFC2822 = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC|UT|Z|[+-]\d{4})?$/;

/** `YYYY-MM-DD` → ISO instant at midnight UTC; undefined when not a real date. */
export function isoFromDay(s: string): string | undefined {
  const m = DAY.exec(s.trim());
  if (!m) return undefined;
  return isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** W3C/ISO date-time with a zone (`2011-11-08T18:48:36Z`, `2016-10-09T00:00:00-04:00`) → ISO instant (UTC). */
export function isoFromDateTime(s: string): string | undefined {
  const m = W3C.exec(s.trim());
  if (!m) return undefined;
  const zone = m[7] ?? 'Z';
  const offset = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), offset);
}

/** An OAI-PMH datestamp (`YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`) → ISO instant. */
export function isoFromDatestamp(s: string): string | undefined {
  return isoFromDay(s) ?? isoFromDateTime(s);
}

/** The RFC 2822 dates of arXivRaw version histories (`Mon, 2 Apr 2007 19:18:42 GMT`) → ISO instant. */
export function isoFromRfc2822(s: string): string | undefined {
  const m = RFC2822.exec(cleanText(s));
  if (!m) return undefined;
  const mo = MONTHS.indexOf((m[2] ?? '').toLowerCase()) + 1;
  if (mo === 0) return undefined;
  const zone = m[7] ?? 'GMT';
  const offset = /^[+-]\d{4}$/.test(zone)
    ? (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)))
    : 0;
  return isoFromParts(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), offset);
}

/** Trimmed, whitespace-collapsed text, or undefined when empty or absent. */
export function optionalText(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = cleanText(s);
  return t === '' ? undefined : t;
}

/** Space-separated category list → unique categories, order kept (the first one is arXiv's primary). */
export function splitCategories(s: string | undefined): string[] {
  if (!s) return [];
  return [...new Set(s.split(/\s+/).filter((c) => c !== ''))];
}

/** arXiv DOIs fields can hold several DOIs separated by spaces; the first is the paper's own. */
export function firstDoi(s: string | undefined): string | undefined {
  const t = optionalText(s);
  if (!t) return undefined;
  return t.split(/[\s,;]+/)[0];
}

/** Splits at top-level commas, semicolons and the word "and" (never inside parentheses). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    if (depth === 0) {
      if (c === ',' || c === ';') {
        parts.push(cur);
        cur = '';
        continue;
      }
      const and = /^\s+(?:and|&)\s+/i.exec(s.slice(i, i + 8));
      if (and) {
        parts.push(cur);
        cur = '';
        i += and[0].length - 1;
        continue;
      }
    }
    cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim().replace(/^(?:and|&)\s+/i, '')).filter((p) => p !== '');
}

/** Removes the parenthesised groups at the end of `s`: `A. Author (1, 2) (MIT)` → [`A. Author`, [`1, 2`, `MIT`]]. */
function trailingGroups(s: string): [string, string[]] {
  let rest = s.trim();
  const groups: string[] = [];
  while (rest.endsWith(')')) {
    let depth = 0;
    let start = -1;
    for (let i = rest.length - 1; i >= 0; i--) {
      if (rest[i] === ')') depth++;
      else if (rest[i] === '(') {
        depth--;
        if (depth === 0) {
          start = i;
          break;
        }
      }
    }
    if (start < 0) break;
    groups.unshift(rest.slice(start + 1, -1).trim());
    rest = rest.slice(0, start).trim();
  }
  return [rest, groups];
}

const REFS = /^\d+(?:\s*,\s*\d+)*$/;
const LEGEND_ITEM = /\((\d+)\)\s*([^()]*?)(?=\s*,?\s*\(\d+\)|$)/g;

/**
 * arXiv's free-text author list (arXivRaw/arXivOld `authors`) → authors. Handles `A, B, and C`,
 * `A and B`, `Name (Affiliation)` and the numbered form `A (1), B (1, 2) ((1) MIT, (2) CERN)`.
 */
export function splitRawAuthors(raw: string): AuthorRecord[] {
  const text = cleanText(raw);
  if (text === '') return [];
  const legend = new Map<string, string>();
  const pending: { name: string; refs: string[]; affiliations: string[] }[] = [];
  for (const part of splitTopLevel(text)) {
    const [name, groups] = trailingGroups(part);
    const refs: string[] = [];
    const affiliations: string[] = [];
    for (const g of groups) {
      if (REFS.test(g)) refs.push(...g.split(/\s*,\s*/));
      else if (/^\(\d+\)/.test(g)) {
        for (const m of g.matchAll(LEGEND_ITEM)) if (m[1] && m[2]) legend.set(m[1], cleanText(m[2]));
      } else if (g !== '') affiliations.push(g);
    }
    if (name === '' || /^et\.?\s*al\.?$/i.test(name)) continue;
    pending.push({ name, refs, affiliations });
  }
  return pending.map(({ name, refs, affiliations }) => {
    const all = [...affiliations, ...refs.map((r) => legend.get(r)).filter((a): a is string => a !== undefined)];
    const a: AuthorRecord = { name };
    if (all.length) a.affiliation = all.join('; ');
    return a;
  });
}
