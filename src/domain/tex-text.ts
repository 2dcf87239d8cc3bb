// Math as readable Unicode text, for places that cannot run KaTeX: mail (no mail client loads its
// stylesheet), the page's <title>, meta descriptions and feeds. `$\alpha \leq \mathbb{R}^{2}$` becomes
// `α ≤ ℝ²`. Symbols come from unicode2latex's LaTeX-to-Unicode table; what has no Unicode form keeps a
// readable shape: `\frac{a+b}{c}` is `(a+b)/c`, `x^{n+1}` is `x^(n+1)`, an unknown `\foo` is `foo`.
import { latex2unicode } from 'unicode2latex';
import { splitMath } from './math-segments.ts';

type Entry = string | { math?: string; text?: string } | undefined;
const entries = latex2unicode as unknown as Record<string, Entry>;
/** The Unicode of a TeX symbol; an entry with a math and a text form gives the math one (we are in math). */
function sym(key: string): string | undefined {
  const e = Object.hasOwn(entries, key) ? entries[key] : undefined;
  return typeof e === 'string' ? e : (e?.math ?? e?.text);
}

/** Macros whose argument is shown as it is (fonts, text, accents). */
const SHOW_ARGUMENT = new Set([
  'text',
  'textrm',
  'textit',
  'textbf',
  'textsf',
  'texttt',
  'textsc',
  'textnormal',
  'emph',
  'mbox',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'mathnormal',
  'boldsymbol',
  'bm',
  'pmb',
  'operatorname',
  'hat',
  'widehat',
  'bar',
  'overline',
  'underline',
  'tilde',
  'widetilde',
  'vec',
  'dot',
  'ddot',
  'check',
  'breve',
]);
/** Letter styles with their own Unicode letters (ℝ, 𝔼); other letters keep the plain form. */
const LETTER_STYLES = new Set(['mathbb', 'mathcal', 'mathfrak', 'mathscr', 'mathds', 'mathbbm']);
/** Sizing and spacing commands that show nothing. */
const INVISIBLE = new Set([
  'left',
  'right',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'biggl',
  'biggr',
  'displaystyle',
  'textstyle',
  'scriptstyle',
  'limits',
  'nolimits',
  'nonumber',
  'label',
]);
/** Function names written upright in TeX (`\log n`): shown as the word. */
const FUNCTIONS =
  /^(?:log|ln|lg|exp|sin|cos|tan|sec|csc|cot|sinh|cosh|tanh|arcsin|arccos|arctan|max|min|arg|argmax|argmin|sup|inf|lim|liminf|limsup|det|dim|ker|deg|gcd|hom|Pr|mod|bmod|pmod)$/;
const SPACES: Record<string, string> = { ',': ' ', ';': ' ', ':': ' ', ' ': ' ', '!': '', '\\': ' ', '|': '‖' };

/** Subscript letters Unicode has and the table lacks (indices are mostly i and j). */
const MORE_SUBSCRIPTS: Record<string, string> = { i: 'ᵢ', j: 'ⱼ', r: 'ᵣ', u: 'ᵤ', v: 'ᵥ' };

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  /** The next argument: a braced group's content, a control word, or one character. */
  argument(): string {
    while (this.s[this.i] === ' ') this.i++;
    const c = this.s[this.i];
    if (c === undefined) return '';
    if (c === '{') {
      let depth = 0;
      const start = this.i + 1;
      for (; this.i < this.s.length; this.i++) {
        const ch = this.s[this.i];
        if (ch === '\\') this.i++;
        else if (ch === '{') depth++;
        else if (ch === '}' && --depth === 0) return this.s.slice(start, this.i++);
      }
      return this.s.slice(start);
    }
    if (c === '\\') {
      const m = /^\\(?:[A-Za-z]+|.)/.exec(this.s.slice(this.i));
      this.i += m?.[0].length ?? 1;
      return m?.[0] ?? '\\';
    }
    this.i++;
    return c;
  }
  /** An optional `[...]` argument. */
  optional(): string | undefined {
    if (this.s[this.i] !== '[') return undefined;
    const end = this.s.indexOf(']', this.i);
    if (end < 0) return undefined;
    const v = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return v;
  }
}

/** Parentheses around what is more than one symbol, for `a/b`, `√x` and `x^(n+1)`. */
function wrap(s: string): string {
  const t = s.trim();
  return [...t].length <= 1 || /^[√∛∜]?[\p{L}\p{N}.]+$/u.test(t) || /^\(.*\)$/.test(t) ? t : `(${t})`;
}

function script(kind: '^' | '_', raw: string): string {
  const lookup = sym(`${kind}${raw}`) ?? sym(`${kind}{${raw}}`);
  if (lookup) return lookup;
  const inner = mathText(raw).trim();
  const chars = [...inner];
  const mapped = chars.map((c) => sym(`${kind}{${c}}`) ?? (kind === '_' ? MORE_SUBSCRIPTS[c] : undefined));
  if (chars.length && mapped.every(Boolean)) return mapped.join('');
  if (kind === '^' && /^['′]+$/.test(inner)) return '′'.repeat(inner.length);
  // x^(αβ), not x^αβ: a script of several symbols is bracketed even when they are letters.
  return [...inner].length <= 1 || /^\(.*\)$/.test(inner) ? `${kind}${inner}` : `${kind}(${inner})`;
}

function macro(name: string, r: Reader): string {
  if (name === 'frac' || name === 'dfrac' || name === 'tfrac' || name === 'cfrac') {
    const a = mathText(r.argument());
    const b = mathText(r.argument());
    return `${wrap(a)}/${wrap(b)}`;
  }
  if (name === 'sqrt') {
    const n = r.optional();
    const body = wrap(mathText(r.argument()));
    return n === '3' ? `∛${body}` : n === '4' ? `∜${body}` : n ? `${mathText(n)}√${body}` : `√${body}`;
  }
  if (INVISIBLE.has(name)) {
    if ((name === 'left' || name === 'right') && r.s[r.i] === '.') r.i++;
    if (name === 'label') r.argument();
    return '';
  }
  if (SHOW_ARGUMENT.has(name)) return mathText(r.argument());
  if (LETTER_STYLES.has(name)) {
    const arg = r.argument();
    return [...arg].map((c) => sym(`\\${name}{${c}}`) ?? c).join('');
  }
  if (FUNCTIONS.test(name)) return name;
  return sym(`\\${name}`) ?? name;
}

/** One math segment (the TeX between the delimiters) as Unicode text. */
export function mathText(tex: string): string {
  const r = new Reader(tex);
  let out = '';
  while (r.i < tex.length) {
    const c = tex[r.i] as string;
    if (c === '\\') {
      const m = /^\\([A-Za-z]+)/.exec(tex.slice(r.i));
      if (m) {
        r.i += m[0].length;
        out += macro(m[1] as string, r);
      } else {
        const next = tex[r.i + 1] ?? '';
        r.i += 2;
        out += SPACES[next] ?? next;
      }
    } else if (c === '^' || c === '_') {
      r.i++;
      out += script(c, r.argument());
    } else if (c === '{') out += mathText(r.argument());
    else if (c === '}') r.i++;
    else if (c === '~' || c === '&') {
      out += ' ';
      r.i++;
    } else {
      out += c;
      r.i++;
    }
  }
  return out.replace(/\s+/g, ' ');
}

/** Text with its math (as splitMath finds it) turned into Unicode, `\$` into `$` and `\url{u}` into u. */
export function texToText(s: string): string {
  let out = '';
  for (const seg of splitMath(s)) {
    out += seg.kind === 'math' ? mathText(seg.tex).trim() : seg.text.replace(/\\url\{([^}\s]+)\}/g, '$1');
  }
  return out;
}
