// arXiv identifiers in every form people paste, reduced to one canonical id.
// New scheme (April 2007 on): YYMM.NNNN (to 2014) or YYMM.NNNNN (2015 on), optional vN.
// Old scheme (to March 2007): archive[.SUBJECT]/YYMMNNN, optional vN; the subject class is not part
// of the identity, so `math.GT/0309136` and `math/0309136` are the same paper.

/** The longest input worth parsing: the longest URL form is well under this. */
const MAX_INPUT_LENGTH = 200;

/** Archives of the old scheme, as listed by arXiv; anything else before the slash is not an arXiv id. */
const OLD_ARCHIVES = new Set([
  'acc-phys',
  'adap-org',
  'alg-geom',
  'ao-sci',
  'astro-ph',
  'atom-ph',
  'bayes-an',
  'chao-dyn',
  'chem-ph',
  'cmp-lg',
  'comp-gas',
  'cond-mat',
  'cs',
  'dg-ga',
  'funct-an',
  'gr-qc',
  'hep-ex',
  'hep-lat',
  'hep-ph',
  'hep-th',
  'math',
  'math-ph',
  'mtrl-th',
  'nlin',
  'nucl-ex',
  'nucl-th',
  'patt-sol',
  'physics',
  'plasm-ph',
  'q-alg',
  'q-bio',
  'q-fin',
  'quant-ph',
  'solv-int',
  'stat',
  'supr-con',
]);

export interface ArxivId {
  /** Canonical id without version: `2401.12345` or `hep-th/9901001`. */
  id: string;
  /** The version asked for, when the input named one. */
  version?: number;
}

const NEW_ID = /^(\d{2})(\d{2})\.(\d{4,5})(?:v(\d{1,3}))?$/;
const OLD_ID = /^([a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]{2})?\/(\d{2})(\d{2})(\d{3})(?:v(\d{1,3}))?$/;
const URL_FORM = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;
const PREFIX = /^arxiv:\s*/i;

function version(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return n >= 1 ? n : Number.NaN;
}

/** Parses any accepted form; returns null for everything else (never throws). */
export function parseArxivId(input: unknown): ArxivId | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return null;
  let s = input.trim();
  const url = URL_FORM.exec(s);
  if (url?.[1]) s = url[1];
  s = s.replace(PREFIX, '');

  const m = NEW_ID.exec(s);
  if (m) {
    const [, yy, mm, num, v] = m as unknown as [string, string, string, string, string | undefined];
    const year = Number(yy);
    const month = Number(mm);
    if (month < 1 || month > 12) return null;
    // The new scheme began in April 2007 (0704); earlier YYMM values cannot be new-style ids.
    if (year < 7 || (year === 7 && month < 4)) return null;
    const ver = version(v);
    if (Number.isNaN(ver)) return null;
    return ver === undefined ? { id: `${yy}${mm}.${num}` } : { id: `${yy}${mm}.${num}`, version: ver };
  }

  const o = OLD_ID.exec(s);
  if (o) {
    const [, archive, yy, mm, num, v] = o as unknown as [string, string, string, string, string, string | undefined];
    if (!OLD_ARCHIVES.has(archive)) return null;
    const month = Number(mm);
    if (month < 1 || month > 12) return null;
    const year = Number(yy);
    // Old ids run from 1991 to March 2007.
    if (year > 7 && year < 91) return null;
    if (year === 7 && month > 3) return null;
    const ver = version(v);
    if (Number.isNaN(ver)) return null;
    const id = `${archive}/${yy}${mm}${num}`;
    return ver === undefined ? { id } : { id, version: ver };
  }
  return null;
}

/** The canonical id, or null. */
export function normaliseArxivId(input: unknown): string | null {
  return parseArxivId(input)?.id ?? null;
}

export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}

/** An arXiv category (`cs.CL`, `hep-th`, `physics.optics`); listings also carry ACM/MSC classes, which are not. */
const CATEGORY = /^[a-z][a-z-]{0,15}(?:\.[A-Za-z][A-Za-z-]{0,15})?$/;

/** Keeps the arXiv categories of a list, trimmed and without repeats, in their order. */
export function arxivCategories(list: readonly string[] | null | undefined): string[] {
  return [...new Set((list ?? []).map((c) => c.trim()).filter((c) => CATEGORY.test(c)))];
}
