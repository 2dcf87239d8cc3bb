// One corpus of hostile text, driven through every surface that takes outside text (forms, JSON API,
// imports, harvested XML, search, feeds, mail, error pages), and the checks every output must pass.
// A new trick goes here once and every surface meets it.
import type { HTMLElement } from 'node-html-parser';
import { SaxesParser } from 'saxes';
import { expect } from 'vitest';

/** Markup that runs script when it reaches a page as markup. */
export const SCRIPT_PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  '"><iframe src=javascript:alert(1)>',
  '\'"><a href="javascript:alert(1)">x</a>',
  '<a href="https://evil.example/phish" style="position:fixed;inset:0">Session expired: sign in again</a>',
] as const;

/** URLs that run script or leave the site unseen, in the spellings filters miss. */
export const URL_PAYLOADS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' \t\njavascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  '&#106;avascript:alert(1)',
  'javascript&colon;alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  '//evil.example/x',
  'https://user:pass@evil.example/',
  'file:///etc/passwd',
] as const;

/** Text that ends a CDATA section or an element early in XML. */
export const XML_PAYLOADS = [
  ']]>',
  'x ]]> y ]]></description><link>https://evil.example/phish</link><description><![CDATA[ z',
  ']]]]><![CDATA[>',
  '</title><link>https://evil.example/</link><title>',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
] as const;

/** Control, bidi and invisible characters, lone surrogates, non-Latin and over-long text. */
export const TEXT_PAYLOADS = [
  'nul\u0000 bell\u0007 esc\u001b[31m red',
  'bidi \u202Egnp.exe\u202C and \u2066isolate\u2069',
  'zero\u200Bwidth\uFEFF bom',
  'lone \uD800 surrogate \uDFFF',
  'Ünïcödé 日本語 العربية עברית 🧑‍🔬',
  'x'.repeat(20_000),
  'line\r\nbreak\rand\u2028separator',
] as const;

/** TeX that expands or draws outside its box. */
export const TEX_PAYLOADS = [
  `$\\def\\a{${'a'.repeat(150)}}\\def\\b{\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a}\\def\\c{\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b}\\c\\c\\c\\c$`,
  '$\\kern-1000em\\text{Session expired: sign in again}$',
  '$\\href{javascript:alert(1)}{click}$',
  '$$\\rule{1000em}{1000em}$$',
  `${'$x^2$ '.repeat(300)}`,
] as const;

/** Strings that break queries built by concatenation. */
export const SQL_PAYLOADS = [
  "'; DROP TABLE papers; --",
  "Robert'); DROP TABLE comments;--",
  "%' OR 1=1 --",
  '" OR ""="',
  "\\'; SELECT * FROM users; --",
  '%_%',
] as const;

export const HOSTILE: readonly string[] = [
  ...SCRIPT_PAYLOADS,
  ...URL_PAYLOADS,
  ...XML_PAYLOADS,
  ...TEXT_PAYLOADS,
  ...TEX_PAYLOADS,
  ...SQL_PAYLOADS,
];

/** The corpus cut to fit a field of `max` characters (a long payload stays long up to the limit). */
export function fitting(max: number): string[] {
  return [...new Set(HOSTILE.map((p) => p.slice(0, max)))];
}

/** A label for a payload in a failure message. */
export function label(p: string): string {
  return JSON.stringify(p.length > 60 ? `${p.slice(0, 60)}…` : p);
}

const SAFE_LINK = /^(https?:\/\/|mailto:|\/(?!\/)|#|\?)/i;
const FOREIGN = /^https?:\/\/[^/]*evil\.example/i;

/**
 * No inline script, frame or event handler; every link and source http(s), mailto or local; no style
 * that positions an element over the page. A link to a foreign site (evil.example) is allowed only
 * where text is linkified, and then only showing its own address (`visible`), or not at all (`none`);
 * images may come from other sites (avatars), never with credentials in their address.
 */
export function assertInert(root: HTMLElement, where: string, o: { foreignLinks?: 'visible' | 'none' } = {}): void {
  expect(
    root.querySelectorAll('script').filter((s) => !s.getAttribute('src') && s.getAttribute('type') !== 'application/ld+json'),
    `${where}: inline script`,
  ).toHaveLength(0);
  expect(root.querySelectorAll('iframe, object, embed, base'), `${where}: frames`).toHaveLength(0);
  for (const el of root.querySelectorAll('*')) {
    for (const [name, value] of Object.entries(el.attributes)) {
      const n = name.toLowerCase();
      expect(n.startsWith('on'), `${where}: <${el.tagName} ${name}="${value}">`).toBe(false);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset'].includes(n) && value !== '') {
        expect(SAFE_LINK.test(value.trim()), `${where}: <${el.tagName} ${name}="${value}">`).toBe(true);
        expect(/^[a-z]+:\/\/[^/?#]*@/i.test(value.trim()), `${where}: <${el.tagName} ${name}="${value}"> carries credentials`).toBe(false);
      }
      if (n === 'href' && FOREIGN.test(value.trim())) {
        expect(o.foreignLinks ?? 'visible', `${where}: foreign <${el.tagName} ${name}="${value}">`).toBe('visible');
        expect(el.textContent.trim(), `${where}: <${el.tagName} ${name}="${value}"> disguised`).toBe(value.trim());
      }
      if (n === 'style') expect(/position\s*:\s*(fixed|absolute)/i.test(value), `${where}: style="${value}"`).toBe(false);
    }
  }
}

/** Every element of an XML document, in order, or an error when it is not well-formed. */
export function parseXml(xml: string): { name: string; attributes: Record<string, string>; text: string; path: string[] }[] {
  const parser = new SaxesParser({ xmlns: false });
  const out: { name: string; attributes: Record<string, string>; text: string; path: string[] }[] = [];
  const stack: { name: string; attributes: Record<string, string>; text: string; path: string[] }[] = [];
  parser.on('opentag', (tag) => {
    const el = {
      name: tag.name,
      attributes: { ...(tag.attributes as Record<string, string>) },
      text: '',
      path: [...stack.map((s) => s.name), tag.name],
    };
    stack.push(el);
    out.push(el);
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('doctype', () => {
    throw new Error('a feed must not carry a DOCTYPE');
  });
  parser.write(xml).close();
  return out;
}
