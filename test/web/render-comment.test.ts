// Comments render in a worker thread: the event loop goes on while the worst comment renders, and the
// HTML is the same as the renderer's own.
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_COMMENT_CHARS } from '../../src/domain/comments.ts';
import { renderCommentMarkdown } from '../../src/web/views/markdown.ts';
import { closeCommentRenderer, commentsRenderedInThread, renderComment } from '../../src/web/views/render-comment.ts';
import { MAX_DOCUMENT_TEX_HTML_CHARS } from '../../src/web/views/tex-budget.ts';
import { BOMB } from '../support/worst-tex.ts';

const WORST = `${BOMB} $x^2$ `.repeat(Math.floor(MAX_COMMENT_CHARS / (BOMB.length + 8))).trim();

afterAll(async () => closeCommentRenderer());

describe('the comment renderer', () => {
  it('renders off the event loop: other work runs before the worst comment is done', async () => {
    let done = false;
    const rendering = renderComment(WORST).then((html) => {
      done = true;
      return html;
    });
    // A render on this thread would be finished before any callback queued now could run.
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    const html = await rendering;
    // Which formulas fit the time budget depends on the thread's speed, so the HTML is compared in
    // kind: bombs fall back to their source, and nothing past the document's budget comes out.
    expect(html).toContain('<code class="math-source">');
    expect(html.length).toBeLessThanOrEqual(MAX_DOCUMENT_TEX_HTML_CHARS + 6 * WORST.length);
    expect(commentsRenderedInThread()).toBe(1);
  });

  it('gives the same safe HTML as the renderer, and starts again after being closed', async () => {
    const src = 'See [the code](https://example.org/x) and <script>alert(1)</script> $\\alpha$';
    await closeCommentRenderer();
    const html = await renderComment(src);
    expect(html).toBe(renderCommentMarkdown(src));
    expect(html).not.toContain('<script');
    expect(commentsRenderedInThread()).toBe(1);
  });
});
