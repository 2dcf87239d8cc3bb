// JSON from outside: `\uD800` escapes give strings with lone surrogates, which are not text. They
// cannot be put in a URL (encodeURIComponent throws), sent as UTF-8 or searched; every such code unit
// becomes U+FFFD here, as a browser does, so the rest of Folio only ever sees well-formed text.
// U+0000 (a `\u0000` escape, a `%00` in a form) goes the same way: PostgreSQL's text cannot hold
// it ("invalid byte sequence") and C libraries end a string there.
const NOT_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with every lone surrogate and NUL replaced by U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(NOT_TEXT, '\uFFFD');
}

/** JSON.parse whose string values are all well-formed text (keys are only ever matched, never shown). */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? wellFormed(value) : value));
}

/** The value with every string in it (deeply) made well-formed; for bodies another parser decoded. */
export function wellFormedDeep(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map(wellFormedDeep);
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = wellFormedDeep(v);
  }
  return value;
}
