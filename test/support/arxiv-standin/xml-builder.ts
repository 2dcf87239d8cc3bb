// A tiny XML builder for the stand-in server: every text and attribute value is escaped, and characters
// XML 1.0 does not allow (control characters, lone surrogates) are dropped, so the output is always well-formed.

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(s: string): string {
  return s
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export type Attrs = Record<string, string | number | undefined>;
/** A child: an element already built (see `el`), or undefined/false to leave out. */
export type Child = Raw | undefined | false;

/** Markup already escaped (built by `el`). */
export class Raw {
  constructor(readonly xml: string) {}
  toString(): string {
    return this.xml;
  }
}

function attrs(a: Attrs | undefined): string {
  if (!a) return '';
  let out = '';
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out += ` ${k}="${escapeXml(String(v))}"`;
  return out;
}

/** `<name attrs>text</name>`, or with children; `el('x', {}, undefined)` is `<x/>`. */
export function el(name: string, a?: Attrs, content?: string | number | Child[]): Raw {
  if (content === undefined || (Array.isArray(content) && content.every((c) => !c))) return new Raw(`<${name}${attrs(a)}/>`);
  const inner = Array.isArray(content)
    ? content
        .filter((c): c is Raw => c instanceof Raw)
        .map((c) => c.xml)
        .join('')
    : escapeXml(String(content));
  return new Raw(`<${name}${attrs(a)}>${inner}</${name}>`);
}

/** `el` that leaves the element out when its text is empty. */
export function optEl(name: string, text: string | undefined | null): Raw | undefined {
  return text === undefined || text === null || text === '' ? undefined : el(name, {}, text);
}

export function document(root: Raw): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root.xml}\n`;
}
