// Server-side HTML with escaping by default: every interpolated value is escaped unless it is itself
// an `Html` value (built by this tag, or explicitly trusted output of KaTeX or the sanitiser).
// Why not a template engine: tagged templates are type-checked with the rest of the code, and the
// whole escaping rule fits on this page.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as Part) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Marks markup as safe. Only for output of KaTeX, the Markdown sanitiser, or constants. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

export type { Part as HtmlPart };
