// Comments are rendered (Markdown, then KaTeX within the TeX budget) in a worker thread, so that no
// text a member writes holds the event loop: the budget bounds one comment to a couple of hundred
// milliseconds, but many members posting the worst comment at once would queue those renders in
// front of every other request. The pool is made on first use; its idle thread does not keep a
// process alive. Should the thread fail (it cannot start, or dies), the comment is rendered here,
// within the same budget, rather than refused.
import { Piscina } from 'piscina';
import { renderCommentMarkdown } from './markdown.ts';

/** Threads that render comments: one, so that the other core keeps serving on a two-core machine. */
export const COMMENT_RENDER_THREADS = 1;
/** A thread idle this long is stopped (and started again on the next comment). */
const IDLE_MS = 60_000;

let pool: Piscina | undefined;

function renderPool(): Piscina {
  pool ??= new Piscina({
    filename: new URL('./comment-render.worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: COMMENT_RENDER_THREADS,
    idleTimeout: IDLE_MS,
  });
  return pool;
}

/** Safe HTML of a comment's Markdown and math, rendered off the event loop. */
export async function renderComment(source: string): Promise<string> {
  try {
    const html: unknown = await renderPool().run(source);
    if (typeof html === 'string') return html;
  } catch {
    // The thread could not start or died: render here, still within the TeX budget.
  }
  return renderCommentMarkdown(source);
}

/** Comments the thread has rendered since the pool was made (for tests and metrics). */
export function commentsRenderedInThread(): number {
  return pool?.completed ?? 0;
}

/** Stops the render thread (tests and shutdown; a later comment starts it again). */
export async function closeCommentRenderer(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}
