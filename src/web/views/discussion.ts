// The discussion on a paper page: the thread (replies nested, siblings by Wilson score, see
// domain/wilson.ts) and, for members, the forms to comment, reply, vote, edit, delete and hide.
// Every form works without JS: <details> opens reply and edit boxes, buttons post and come back.
// A form refused, or asked for a preview, comes back on the page as it was sent (`OpenCommentForm`):
// its box open, the text kept, the message beside the field, the preview above it.
import type { FieldMessages } from '../../actions/errors.ts';
import { MAX_REASON_CHARS } from '../../actions/moderation-log.ts';
import type { CommentView } from '../../db/queries/comments.ts';
import type { Member } from '../../db/queries/members.ts';
import type { ThreadNode } from '../../domain/comment-thread.ts';
import { DELETED_TEXT, HIDDEN_TEXT, MAX_COMMENT_CHARS, MAX_COMMENT_DEPTH } from '../../domain/comments.ts';
import { canModerate } from '../../domain/roles.ts';
import { type Html, html, trusted } from '../html.ts';
import { avatar, submitterPath } from './components.ts';
import { agree, plural } from './format.ts';
import { csrfField, formProblems, textarea } from './forms.ts';

/** A comment form shown again after it was sent: refused, or asked for a preview. */
export interface OpenCommentForm {
  /** The new comment, a reply to `commentId`, an edit of it, or a moderator hiding or showing it. */
  kind: 'comment' | 'reply' | 'edit' | 'hide';
  commentId?: number;
  /** What was typed, by field. */
  values: Record<string, string>;
  /** The refusal's messages by field, and its message for the whole form. */
  errors?: FieldMessages;
  message?: string;
  /** The text as it would be shown: HTML from the comment renderer (sanitised as a stored comment). */
  preview?: string;
}

export interface DiscussionViewer {
  member: Member;
  /** The member's votes on this paper's comments (1 or -1). */
  votes: Map<number, number>;
  /** Whether the member may write (email confirmed, or not required). */
  canWrite: boolean;
  /** The form the member just sent, shown again. */
  open?: OpenCommentForm;
}

export interface DiscussionData {
  paperId: string;
  /** The paper's page, where forms come back to. */
  path: string;
  nodes: ThreadNode<CommentView>[];
  count: number;
  viewer?: DiscussionViewer;
  /** Comments counted on Hugging Face (imported with the paper, their text is not). */
  importedCount?: number;
}

/** The paper's discussion on Hugging Face. */
export function huggingFaceUrl(paperId: string): string {
  return `https://huggingface.co/papers/${encodeURIComponent(paperId)}#community`;
}

const TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

function when(iso: string): Html {
  return html`<time datetime="${iso}">${TIME.format(new Date(iso))} UTC</time>`;
}

const HELP = html`<p class="field__hint">Markdown works (<code>*emphasis*</code>, <code>**strong**</code>, <code>[link](https://…)</code>, <code>\`code\`</code>, lists, quotes), and so does math: <code>$x^2$</code> inline, <code>$$…$$</code> on its own line.</p>`;

/** The form the member sent, when it is this one. */
function openFor(v: DiscussionViewer | undefined, kind: OpenCommentForm['kind'], commentId?: number): OpenCommentForm | undefined {
  const o = v?.open;
  return o && o.kind === kind && o.commentId === commentId ? o : undefined;
}

const FIELD_LABELS = { body: 'Comment', reason: 'Reason' };

/** On top of a form sent back: what to correct, linking to the field (the page's script focuses it). */
function problemsOf(state: OpenCommentForm | undefined, ids: Record<string, string>): Html {
  if (!state || (!state.message && !Object.keys(state.errors ?? {}).length)) return html``;
  return formProblems(
    { ...(state.message ? { message: state.message } : {}), ...(state.errors ? { errors: state.errors } : {}) },
    { labels: FIELD_LABELS, ids },
  );
}

/** The comment as it would be shown, above the text it was made from. */
function previewBox(state: OpenCommentForm | undefined): Html {
  if (state?.preview === undefined) return html``;
  return html`<section class="comment-preview" aria-label="Preview" data-comment-preview>
  <p class="comment-preview__title">Preview <span class="comment-preview__note">(not posted yet)</span></p>
  <div class="comment__body prose">${trusted(state.preview)}</div>
</section>`;
}

/**
 * The text box of a comment form and its buttons. "Preview" is a second submit button: without the
 * page's script it sends the form to be shown again with the preview; with it, the preview comes in place.
 */
function commentFields(
  state: OpenCommentForm | undefined,
  o: { id: string; label: string; value?: string; rows: number; hiddenLabel: boolean; button: string; help?: Html },
): Html {
  const value = state?.values.body ?? o.value;
  return html`${problemsOf(state, { body: o.id })}
  ${previewBox(state)}
  ${textarea({
    label: o.label,
    name: 'body',
    maxlength: MAX_COMMENT_CHARS,
    rows: o.rows,
    id: o.id,
    required: true,
    visuallyHiddenLabel: o.hiddenLabel,
    ...(value !== undefined ? { value } : {}),
    error: state?.errors?.body,
    autofocus: state !== undefined,
  })}
  ${o.help ?? ''}
  <div class="comment-form__buttons">
    <button class="button button--primary" type="submit">${o.button}</button>
    <button class="button" type="submit" name="intent" value="preview">Preview</button>
  </div>`;
}

function commentForm(
  d: DiscussionData,
  o: { parentId?: number; id: string; label: string; button: string; state?: OpenCommentForm | undefined },
): Html {
  return html`<form class="form comment-form" id="${o.id}-form" method="post" action="${d.path}/comments" data-comment-form>
  ${csrfField('')}
  ${o.parentId !== undefined ? html`<input type="hidden" name="parent_id" value="${o.parentId}">` : ''}
  ${commentFields(o.state, {
    id: o.id,
    label: o.label,
    rows: o.parentId === undefined ? 5 : 3,
    hiddenLabel: o.parentId !== undefined,
    button: o.button,
    ...(o.parentId === undefined ? { help: HELP } : {}),
  })}
</form>`;
}

function hideForm(c: CommentView, hidden: boolean, state: OpenCommentForm | undefined): Html {
  const id = `reason-${c.id}`;
  const error = state?.errors?.reason;
  const message = state?.message;
  return html`<form class="form form--inline comment-hide" id="hide-${c.id}-form" method="post" action="/comments/${c.id}/hide">${csrfField('')}<input type="hidden" name="hidden" value="${hidden ? '0' : '1'}"><label class="visually-hidden" for="${id}">Reason</label><input class="field__input" id="${id}" name="reason" required maxlength="${MAX_REASON_CHARS}" placeholder="Reason (logged)"${
    state?.values.reason ? html` value="${state.values.reason}"` : ''
  }${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}${state ? html` autofocus` : ''}> <button class="button button--small" type="submit">${hidden ? 'Unhide' : 'Hide'}</button>${
    error
      ? html`<p class="field__error" id="${id}-error">${error}</p>`
      : message
        ? html`<p class="field__error" role="alert">${message}</p>`
        : ''
  }</form>`;
}

function findNode(nodes: ThreadNode<CommentView>[], id: number): ThreadNode<CommentView> | undefined {
  for (const n of nodes) {
    if (n.comment.id === id) return n;
    const r = findNode(n.replies, id);
    if (r) return r;
  }
  return undefined;
}

const canReply = (n: ThreadNode<CommentView>, v: DiscussionViewer) =>
  n.state === 'shown' && v.canWrite && n.comment.depth < MAX_COMMENT_DEPTH;
const canEdit = (n: ThreadNode<CommentView>, v: DiscussionViewer) => n.comment.user_id === v.member.id && n.state === 'shown';

/**
 * Where the form sent back goes: its own box, or, when that box is no longer on the page (the comment
 * replied to was removed meanwhile, a moderator hid the comment being edited), the new-comment form, so
 * that the text is never lost with it.
 */
function placeOpenForm(d: DiscussionData): DiscussionData {
  const v = d.viewer;
  const o = v?.open;
  if (!v || !o || (o.kind !== 'reply' && o.kind !== 'edit') || o.commentId === undefined) return d;
  const n = findNode(d.nodes, o.commentId);
  if (n && (o.kind === 'reply' ? canReply(n, v) : canEdit(n, v))) return d;
  const message = o.message ?? Object.values(o.errors ?? {})[0];
  const moved: OpenCommentForm = {
    kind: 'comment',
    values: { body: o.values.body ?? '' },
    ...(message ? { message: `${message} Your text is kept here.` } : {}),
    ...(o.preview !== undefined ? { preview: o.preview } : {}),
  };
  return { ...d, viewer: { ...v, open: moved } };
}

function voteButtons(c: CommentView, v: DiscussionViewer): Html {
  const mine = v.votes.get(c.id) ?? 0;
  const btn = (value: 1 | -1, label: string, symbol: string) => {
    const pressed = mine === value;
    return html`<button class="comment-vote" type="submit" name="value" value="${pressed ? 0 : value}" data-dir="${value}" data-label="${label}" aria-pressed="${pressed ? 'true' : 'false'}" title="${pressed ? 'Take back your vote' : label}"><span aria-hidden="true">${symbol}</span><span class="visually-hidden">${label}</span></button>`;
  };
  return html`<form class="comment__votes" method="post" action="/comments/${c.id}/vote">${csrfField('')}${btn(1, 'Vote up', '▲')}${btn(-1, 'Vote down', '▼')}</form>`;
}

function actions(d: DiscussionData, n: ThreadNode<CommentView>): Html {
  const v = d.viewer;
  const c = n.comment;
  if (!v) return html``;
  const mod = canModerate(v.member.role);
  const live = n.state === 'shown' || n.state === 'hidden-visible';
  const items: Html[] = [];
  if (canReply(n, v)) {
    const state = openFor(v, 'reply', c.id);
    items.push(
      html`<details class="comment__tool"${state ? html` open` : ''}><summary>Reply</summary>${commentForm(d, {
        parentId: c.id,
        id: `reply-${c.id}`,
        label: `Reply to ${c.username}`,
        button: 'Reply',
        state,
      })}</details>`,
    );
  }
  if (canEdit(n, v)) {
    const state = openFor(v, 'edit', c.id);
    items.push(
      html`<details class="comment__tool"${state ? html` open` : ''}><summary>Edit</summary><form class="form comment-form" id="edit-${c.id}-form" method="post" action="/comments/${c.id}/edit" data-comment-form>${csrfField('')}${commentFields(
        state,
        { id: `edit-${c.id}`, label: 'Edit your comment', value: c.body, rows: 5, hiddenLabel: true, button: 'Save' },
      )}</form></details>`,
    );
    items.push(
      html`<details class="comment__tool"><summary>Delete</summary><form class="form form--inline" method="post" action="/comments/${c.id}/delete">${csrfField('')}<span>Delete this comment for good?</span> <button class="button button--small button--danger" type="submit">Delete</button></form></details>`,
    );
  }
  if (mod && live) {
    const hidden = n.state === 'hidden-visible';
    const state = openFor(v, 'hide', c.id);
    items.push(
      html`<details class="comment__tool"${state ? html` open` : ''}><summary>${hidden ? 'Unhide' : 'Hide'}</summary>${hideForm(c, hidden, state)}</details>`,
    );
  }
  if (!items.length) return html``;
  return html`<div class="comment__tools">${items}</div>`;
}

function comment(d: DiscussionData, n: ThreadNode<CommentView>): Html {
  const c = n.comment;
  const v = d.viewer;
  const gone = n.state === 'deleted' || n.state === 'hidden';
  const name = c.fullname?.trim() || c.username;
  return html`<li class="comment${n.state === 'hidden-visible' ? ' comment--hidden' : ''}" id="comment-${c.id}">
  <article class="comment__box" aria-label="${gone ? 'Removed comment' : `Comment by ${name}`}">
    ${
      gone
        ? html`<p class="comment__gone">${n.state === 'deleted' ? DELETED_TEXT : HIDDEN_TEXT}</p>`
        : html`<header class="comment__head">
      <a class="person" href="${submitterPath(c.username)}">${avatar(c.avatar_url)}<span>${name}</span></a>
      <a class="comment__time" href="#comment-${c.id}">${when(c.created_at)}</a>
      ${c.edited_at ? html`<span class="comment__edited" title="Edited ${c.edited_at}">edited</span>` : ''}
      ${n.state === 'hidden-visible' ? html`<span class="badge badge--warn">hidden</span>` : ''}
      ${v && v.member.id !== c.user_id && n.state === 'shown' && v.canWrite ? voteButtons(c, v) : ''}
    </header>
    <div class="comment__body prose">${trusted(c.body_html)}</div>
    ${actions(d, n)}`
    }
  </article>
  ${n.replies.length ? html`<ol class="comments comments--replies">${n.replies.map((r) => comment(d, r))}</ol>` : ''}
</li>`;
}

export function renderDiscussion(data: DiscussionData): Html {
  const d = placeOpenForm(data);
  const v = d.viewer;
  let compose: Html;
  if (!v) {
    compose = html`<p class="discussion__signin"><a href="/signin?return_to=${encodeURIComponent(d.path)}">Sign in</a> or <a href="/signup?return_to=${encodeURIComponent(d.path)}">create an account</a> to join the discussion.</p>`;
  } else if (!v.canWrite) {
    compose = html`<p class="discussion__signin">Confirm your email address to comment (see <a href="/settings">your settings</a>).</p>`;
  } else {
    compose = commentForm(d, { id: 'new-comment', label: 'Add a comment', button: 'Comment', state: openFor(v, 'comment') });
  }
  return html`<section class="section discussion" id="discussion" aria-labelledby="discussion-h">
  <h2 id="discussion-h">Discussion <span class="discussion__count">${d.count ? plural(d.count, 'comment') : ''}</span></h2>
  ${compose}
  ${
    d.nodes.length
      ? html`<ol class="comments" data-comments>${d.nodes.map((n) => comment(d, n))}</ol>`
      : html`<p class="muted">No comments here yet. Start the discussion.${
          d.importedCount
            ? html` ${plural(d.importedCount, 'comment')} on this paper ${agree(d.importedCount, 'is', 'are')} <a href="${huggingFaceUrl(d.paperId)}" rel="nofollow noopener">on Hugging Face</a>.`
            : ''
        }</p>`
  }
</section>`;
}
