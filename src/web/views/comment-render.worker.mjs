// The comment renderer's worker thread (see render-comment.ts). Plain JavaScript so that the thread can
// start without a loader: it registers tsx itself, then loads the TypeScript renderer.
import { register } from 'tsx/esm/api';

register();
const { renderCommentMarkdown } = await import('./markdown.ts');

/** One comment's Markdown and math to sanitised HTML. */
export default function render(source) {
  return renderCommentMarkdown(source);
}
