// A minimal XML writer for the feeds: elements, attributes and text, every text and attribute written
// as escaped characters (never CDATA). Written here because the libraries at hand get the one thing
// that matters wrong: `feed` (through xml-js) escapes only the first `]]>` inside a CDATA section, and
// xmlbuilder2 leaves an `&` alone when it looks like an entity (`&lt;`, `&x;`), so text holding
// `&lt;b&gt;` comes out as markup and `AT&T;` as an undefined entity. Escaping `&`, `<`, `>` and `"`
// always is all XML asks; the tests read the output back with a strict parser (saxes).

/** A child: an element or a run of text. */
export type XmlNode = XmlElement | string;

export interface XmlElement {
  name: string;
  attrs?: Record<string, string>;
  children?: XmlNode[];
}

/**
 * Characters XML 1.0 cannot carry at all (C0 controls but tab and newlines, lone surrogates,
 * U+FFFE/U+FFFF): a single one makes a whole document unreadable, so they are dropped.
 */
const XML_FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafe(s: string): string {
  return s.replace(XML_FORBIDDEN, '');
}

const XML_NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

export function escapeXmlText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also escape quotes, and the whitespace an attribute parser would fold to spaces. */
export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** Shorthand for an element. */
export function el(name: string, attrs?: Record<string, string>, ...children: XmlNode[]): XmlElement {
  return { name, ...(attrs ? { attrs } : {}), children };
}

function checkName(name: string): string {
  // Names are the writer's own constants; a bad one is a programming error, not data to escape.
  if (!XML_NAME.test(name)) throw new Error(`not an XML name: ${name}`);
  return name;
}

function write(node: XmlNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  if (typeof node === 'string') {
    out.push(escapeXmlText(node));
    return;
  }
  const name = checkName(node.name);
  const attrs = Object.entries(node.attrs ?? {})
    .map(([k, v]) => ` ${checkName(k)}="${escapeXmlAttr(v)}"`)
    .join('');
  const children = node.children ?? [];
  if (!children.length) {
    out.push(`${pad}<${name}${attrs}/>`);
  } else if (children.every((c) => typeof c === 'string')) {
    // Text stays on its element's line: indentation inside would change the text.
    out.push(`${pad}<${name}${attrs}>${children.map((c) => escapeXmlText(c as string)).join('')}</${name}>`);
  } else {
    out.push(`${pad}<${name}${attrs}>`);
    for (const c of children) {
      if (typeof c === 'string') out.push(`${'  '.repeat(depth + 1)}${escapeXmlText(c)}`);
      else write(c, depth + 1, out);
    }
    out.push(`${pad}</${name}>`);
  }
}

/** The whole document, with its declaration, indented for people who read it. */
export function xmlDocument(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>'];
  write(root, 0, out);
  return `${out.join('\n')}\n`;
}
