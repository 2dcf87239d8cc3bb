// Comments: Markdown (markdown-it, raw HTML off) with `$...$` and `$$...$$` math (@mdit/plugin-tex,
// rendered by KaTeX as the abstracts are), then sanitised by sanitize-html with a small allowlist.
//
// Why math goes around the sanitiser rather than through it: KaTeX positions glyphs with inline
// styles, and an allowlist wide enough for its markup (style, svg, MathML) would be wide enough for
// mischief. So each formula becomes an unguessable placeholder, the sanitiser cleans everything
// else, and the placeholders are then replaced by KaTeX's output (made from the TeX with `trust: false`
// and a size cap, so it carries no links, classes or sizes a commenter chose).
import { randomBytes } from 'node:crypto';
import { tex } from '@mdit/plugin-tex';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { safeHttpUrl } from '../../domain/safe-url.ts';
import { newTexBudget, renderTexWithin } from './tex-budget.ts';

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'em',
    'strong',
    's',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  // Links written by members: no ranking credit, no access to this window.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener noreferrer' }) },
};
(SANITIZE.allowedAttributes as Record<string, string[]>).a?.push('rel');

/** A plain address: `mailto:` links carry nothing else (no `?body=` prefilled by a stranger). */
const SAFE_MAILTO = /^mailto:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$/;

function makeRenderer(formulas: { tex: string; display: boolean }[], marker: string): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  // Headings and images have no place in a comment: a heading shouts, an image tracks its readers.
  md.disable(['heading', 'lheading', 'image']);
  // Links (written or linkified) pass the same test as every other outside URL (domain/safe-url.ts):
  // no credentials to dress one host as another, no scheme a browser could read otherwise.
  md.validateLink = (url: string) => safeHttpUrl(url) !== null || SAFE_MAILTO.test(url);
  md.use(tex, {
    render: (content: string, displayMode: boolean) => {
      formulas.push({ tex: content, display: displayMode });
      const ph = `${marker}${formulas.length - 1}${marker}`;
      return displayMode ? `<p>${ph}</p>` : ph;
    },
  });
  return md;
}

/** Markdown with math to safe HTML. */
export function renderCommentMarkdown(source: string): string {
  const formulas: { tex: string; display: boolean }[] = [];
  const marker = `FOLIOMATH${randomBytes(9).toString('hex')}X`;
  const raw = makeRenderer(formulas, marker).render(source);
  const clean = sanitizeHtml(raw, SANITIZE);
  const re = new RegExp(`${marker}(\\d+)${marker}`, 'g');
  // One budget for the whole comment: formulas past it stay as their source (tex-budget.ts).
  const budget = newTexBudget();
  return clean.replace(re, (_m, i: string) => {
    const f = formulas[Number(i)];
    return f ? renderTexWithin(f.tex, f.display, budget) : '';
  });
}
