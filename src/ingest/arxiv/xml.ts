// A guarded streaming XML reader on top of saxes, shared by the OAI-PMH and Atom parsers.
//
// - Streaming: bytes go in as they arrive; only the elements a parser asks for (one OAI `<record>`, one Atom
//   `<entry>`) are ever held as small trees, so memory follows the size of one record, not of the page.
// - Safe on hostile input: a DOCTYPE is refused outright (neither format ever has one), so no entity can be
//   declared, let alone expanded (no "billion laughs", no external entities: saxes never fetches anything
//   and knows only the five predefined entities). A single token (text node, attribute value, comment)
//   longer than `maxTokenChars` stops the parse early instead of growing a buffer without bound.
// - Never partial: malformed or truncated input throws the caller's error class; `end()` checks that the
//   document was complete.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { XmlDocumentError, XmlErrorPosition } from './errors.ts';

/** One element kept whole: local name, namespace, attributes by local name, children, its own text. */
export interface XmlElement {
  name: string;
  uri: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (text and CDATA children, concatenated). */
  text: string;
}

export interface XmlLimits {
  /** Longest single text node, attribute value, comment or DOCTYPE, in characters (default 1,000,000). */
  maxTokenChars?: number;
  /** Longest document, in characters (default 256 Mi). */
  maxChars?: number;
  /** Named in error messages (a URL or a file name). */
  source?: string;
}

export interface XmlVisitor {
  /** Called with the root element; returns why the document is refused (wrong kind of XML), or undefined. */
  root(name: string, uri: string, attrs: Record<string, string>): string | undefined;
  /** Whether to keep the element `name` whole; `path` holds the local names of its ancestors, root first. */
  capture(path: readonly string[], name: string, uri: string): boolean;
  /** A kept element, complete, with its ancestors' local names. */
  element(el: XmlElement, path: readonly string[]): void;
}

export type XmlErrorFactory = (message: string, pos: XmlErrorPosition, cause?: unknown) => XmlDocumentError;

const SLICE = 64 * 1024;
const DEFAULT_MAX_TOKEN = 1_000_000;
const DEFAULT_MAX_CHARS = 256 * 1024 * 1024;

function attrsOf(tag: SaxesTagNS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of Object.values(tag.attributes)) {
    if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
    out[a.local] = a.value;
  }
  return out;
}

export class SafeXmlReader {
  private readonly parser: SaxesParser<{ xmlns: true; position: true }>;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly maxToken: number;
  private readonly maxChars: number;
  private readonly source: string | undefined;
  private readonly path: string[] = [];
  /** Elements being captured, outermost first; empty when not inside a kept element. */
  private readonly open: XmlElement[] = [];
  private captureDepth = -1;
  private mark = 0;
  private chars = 0;
  private sawRoot = false;
  private closing = false;
  private failed: XmlDocumentError | undefined;

  constructor(
    private readonly visitor: XmlVisitor,
    private readonly makeError: XmlErrorFactory,
    limits: XmlLimits = {},
  ) {
    this.maxToken = limits.maxTokenChars ?? DEFAULT_MAX_TOKEN;
    this.maxChars = limits.maxChars ?? DEFAULT_MAX_CHARS;
    this.source = limits.source;
    const p = new SaxesParser({ xmlns: true, position: true });
    this.parser = p;
    p.on('error', (err) => {
      throw this.error(
        this.closing ? `document ends early (truncated?): ${stripPos(err.message)}` : `not well-formed XML: ${stripPos(err.message)}`,
        err,
      );
    });
    p.on('doctype', () => {
      throw this.error(
        'document has a DOCTYPE declaration; these responses never do, so it is refused (an HTML page, or an entity-expansion attack?)',
      );
    });
    p.on('xmldecl', (decl) => {
      const enc = decl.encoding?.toLowerCase();
      if (enc !== undefined && enc !== 'utf-8' && enc !== 'utf8')
        throw this.error(`unsupported encoding ${JSON.stringify(decl.encoding)} (only UTF-8 is read)`);
    });
    p.on('opentag', (tag) => this.onOpen(tag));
    p.on('closetag', () => this.onClose());
    p.on('text', (t) => this.onText(t));
    p.on('cdata', (t) => this.onText(t));
    p.on('comment', () => {
      this.mark = this.parser.position;
    });
    p.on('processinginstruction', () => {
      this.mark = this.parser.position;
    });
  }

  private error(message: string, cause?: unknown): XmlDocumentError {
    if (this.failed) return this.failed;
    const pos: XmlErrorPosition = { line: this.parser.line, column: this.parser.column };
    if (this.source !== undefined) pos.source = this.source;
    const where = `${this.source ? `${this.source}, ` : ''}line ${this.parser.line}, column ${this.parser.column}`;
    this.failed = this.makeError(`${message} (${where})`, pos, cause);
    return this.failed;
  }

  private onOpen(tag: SaxesTagNS): void {
    this.mark = this.parser.position;
    const attrs = attrsOf(tag);
    if (this.path.length === 0) {
      if (this.sawRoot) throw this.error('more than one root element');
      this.sawRoot = true;
      const refusal = this.visitor.root(tag.local, tag.uri, attrs);
      if (refusal !== undefined) throw this.error(refusal);
    }
    if (this.open.length > 0) {
      const el: XmlElement = { name: tag.local, uri: tag.uri, attrs, children: [], text: '' };
      this.open[this.open.length - 1]?.children.push(el);
      this.open.push(el);
    } else if (this.visitor.capture(this.path, tag.local, tag.uri)) {
      this.captureDepth = this.path.length;
      this.open.push({ name: tag.local, uri: tag.uri, attrs, children: [], text: '' });
    }
    this.path.push(tag.local);
  }

  private onClose(): void {
    this.mark = this.parser.position;
    this.path.pop();
    if (this.open.length === 0) return;
    const el = this.open.pop();
    if (el && this.open.length === 0 && this.path.length === this.captureDepth) {
      this.captureDepth = -1;
      this.visitor.element(el, this.path);
    }
  }

  private onText(t: string): void {
    this.mark = this.parser.position;
    const cur = this.open[this.open.length - 1];
    if (!cur) return;
    cur.text += t;
    if (cur.text.length > this.maxToken) throw this.error(`text of <${cur.name}> is longer than ${this.maxToken} characters`);
  }

  private feed(s: string): void {
    for (let i = 0; i < s.length; i += SLICE) {
      const part = s.slice(i, i + SLICE);
      this.chars += part.length;
      if (this.chars > this.maxChars) throw this.error(`document is longer than ${this.maxChars} characters`);
      this.parser.write(part);
      if (this.parser.position - this.mark > this.maxToken) {
        throw this.error(`a single XML token (text, attribute, comment or DOCTYPE) is longer than ${this.maxToken} characters`);
      }
    }
  }

  /** Feeds a chunk: a string, or UTF-8 bytes (split multi-byte characters are handled). */
  write(chunk: string | Uint8Array): void {
    if (this.failed) throw this.failed;
    this.feed(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
  }

  /** Ends the document; throws if it was empty or incomplete. */
  end(): void {
    if (this.failed) throw this.failed;
    this.feed(this.decoder.decode());
    this.closing = true;
    if (!this.sawRoot) throw this.error('empty document: no root element');
    this.parser.close();
  }
}

/** saxes prefixes its messages with `line:column: `; we add our own position. */
function stripPos(message: string): string {
  return message.replace(/^(?:[^:]*:)?\d+:\d+:\s*/, '');
}

/** Reads a whole document (string, bytes or a stream of either) through a visitor. */
export async function readXml(
  input: string | Uint8Array | AsyncIterable<string | Uint8Array>,
  visitor: XmlVisitor,
  makeError: XmlErrorFactory,
  limits?: XmlLimits,
): Promise<void> {
  const r = new SafeXmlReader(visitor, makeError, limits);
  if (typeof input === 'string' || input instanceof Uint8Array) r.write(input);
  else for await (const chunk of input) r.write(chunk);
  r.end();
}

/** The synchronous form, for a document already in memory. */
export function readXmlSync(input: string | Uint8Array, visitor: XmlVisitor, makeError: XmlErrorFactory, limits?: XmlLimits): void {
  const r = new SafeXmlReader(visitor, makeError, limits);
  r.write(input);
  r.end();
}

// Small helpers for walking a kept element.

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** The text of the first child called `name`, or undefined when there is none. */
export function childText(el: XmlElement, name: string): string | undefined {
  return child(el, name)?.text;
}
