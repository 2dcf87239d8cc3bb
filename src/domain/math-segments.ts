// Where the math is in a title, an abstract or a comment: `$...$`, `$$...$$`, `\(...\)` and `\[...\]`.
//
// Abstracts are full of dollar signs that are money ("Earn $1 Million", "under $200k"), so `$...$`
// follows Pandoc's rule: the opening `$` has a non-space character right after it, the closing `$` a
// non-space character right before it and no digit right after it. `\$` is a literal dollar.

/** Longer "math" is almost surely a stray dollar sign; also bounds the time KaTeX may take. */
export const MAX_MATH_CHARS = 1000;

export type Segment = { kind: 'text'; text: string } | { kind: 'math'; tex: string; display: boolean };

function findClosingDollar(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '\n' && s[i + 1] === '\n') return -1; // math never spans a paragraph break
    if (c !== '$') continue;
    const before = s[i - 1] ?? ' ';
    const after = s[i + 1] ?? '';
    if (/\s/.test(before) || /\d/.test(after)) continue;
    return i;
  }
  return -1;
}

/** Splits text into plain and math segments. */
export function splitMath(s: string): Segment[] {
  const out: Segment[] = [];
  let text = '';
  const pushText = () => {
    if (text) out.push({ kind: 'text', text });
    text = '';
  };
  const tryMath = (open: string, close: string, display: boolean, i: number): number => {
    const start = i + open.length;
    const end = s.indexOf(close, start);
    if (end < 0 || end === start || end - start > MAX_MATH_CHARS) return -1;
    pushText();
    out.push({ kind: 'math', tex: s.slice(start, end), display });
    return end + close.length;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const next = s[i + 1];
    let j = -1;
    if (c === '\\' && next === '$') {
      text += '$';
      i += 2;
      continue;
    }
    if (c === '\\' && next === '(') j = tryMath('\\(', '\\)', false, i);
    else if (c === '\\' && next === '[') j = tryMath('\\[', '\\]', true, i);
    else if (c === '$' && next === '$') j = tryMath('$$', '$$', true, i);
    else if (c === '$' && next !== undefined && !/\s/.test(next)) {
      const end = findClosingDollar(s, i + 1);
      if (end > 0 && end - i - 1 <= MAX_MATH_CHARS) {
        pushText();
        out.push({ kind: 'math', tex: s.slice(i + 1, end), display: false });
        j = end + 1;
      }
    }
    if (j > 0) {
      i = j;
      continue;
    }
    text += c;
    i++;
  }
  pushText();
  return out;
}
