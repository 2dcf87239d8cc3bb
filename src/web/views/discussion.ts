// The discussion on a paper page: the thread (replies nested, siblings by Wilson score, see
// domain/wilson.ts) and, for members, the forms to comment, reply, vote, edit, delete and hide.
// Every form works without JS: <details> opens reply and edit boxes, buttons post and come back.
import type { CommentView } from '../../db/queries/comments.ts';
import type { Member } from '../../db/queries/members.ts';
import type { ThreadNode } from '../../domain/comment-thread.ts';
import { DELETED_TEXT, HIDDEN_TEXT, MAX_COMMENT_CHARS, MAX_COMMENT_DEPTH } from '../../domain/comments.ts';
import { canModerate } from '../../domain/roles.ts';
import { type Html, html, trusted } from '../html.ts';
import { avatar, submitterPath } from './components.ts';
import { agree, plural } from './format.ts';
import { csrfField, textarea } from './forms.ts';

export interface DiscussionViewer {
  member: Member;
  /** The member's votes on this paper's comments (1 or -1). */
  votes: Map<number, number>;
  /** Whether the member may write (email confirmed, or not required). */
  canWrite: boolean;
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

function commentForm(d: DiscussionData, o: { parentId?: number; id: string; label: string; button: string }): Html {
  return html`<form class="form comment-form" method="post" action="${d.path}/comments">
  ${csrfField('')}
  ${o.parentId !== undefined ? html`<input type="hidden" name="parent_id" value="${o.parentId}">` : ''}
  ${textarea({ label: o.label, name: 'body', maxlength: MAX_COMMENT_CHARS, rows: o.parentId === undefined ? 5 : 3, id: o.id, required: true, visuallyHiddenLabel: o.parentId !== undefined })}
  ${o.parentId === undefined ? HELP : ''}
  <button class="button button--primary" type="submit">${o.button}</button>
</form>`;
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
  const own = c.user_id === v.member.id;
  const mod = canModerate(v.member.role);
  const live = n.state === 'shown' || n.state === 'hidden-visible';
  const items: Html[] = [];
  if (n.state === 'shown' && v.canWrite && c.depth < MAX_COMMENT_DEPTH) {
    items.push(
      html`<details class="comment__tool"><summary>Reply</summary>${commentForm(d, { parentId: c.id, id: `reply-${c.id}`, label: `Reply to ${c.username}`, button: 'Reply' })}</details>`,
    );
  }
  if (own && n.state === 'shown') {
    items.push(
      html`<details class="comment__tool"><summary>Edit</summary><form class="form comment-form" method="post" action="/comments/${c.id}/edit">${csrfField('')}${textarea(
        {
          label: 'Edit your comment',
          name: 'body',
          value: c.body,
          maxlength: MAX_COMMENT_CHARS,
          rows: 5,
          id: `edit-${c.id}`,
          required: true,
          visuallyHiddenLabel: true,
        },
      )}<button class="button button--primary" type="submit">Save</button></form></details>`,
    );
    items.push(
      html`<details class="comment__tool"><summary>Delete</summary><form class="form form--inline" method="post" action="/comments/${c.id}/delete">${csrfField('')}<span>Delete this comment for good?</span> <button class="button button--small button--danger" type="submit">Delete</button></form></details>`,
    );
  }
  if (mod && live) {
    const hidden = n.state === 'hidden-visible';
    items.push(
      html`<details class="comment__tool"><summary>${hidden ? 'Unhide' : 'Hide'}</summary><form class="form form--inline" method="post" action="/comments/${c.id}/hide">${csrfField('')}<input type="hidden" name="hidden" value="${hidden ? '0' : '1'}"><label class="visually-hidden" for="reason-${c.id}">Reason</label><input class="field__input" id="reason-${c.id}" name="reason" required maxlength="500" placeholder="Reason (logged)"> <button class="button button--small" type="submit">${hidden ? 'Unhide' : 'Hide'}</button></form></details>`,
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

export function renderDiscussion(d: DiscussionData): Html {
  const v = d.viewer;
  let compose: Html;
  if (!v) {
    compose = html`<p class="discussion__signin"><a href="/signin?return_to=${encodeURIComponent(d.path)}">Sign in</a> or <a href="/signup?return_to=${encodeURIComponent(d.path)}">create an account</a> to join the discussion.</p>`;
  } else if (!v.canWrite) {
    compose = html`<p class="discussion__signin">Confirm your email address to comment (see <a href="/settings">your settings</a>).</p>`;
  } else {
    compose = commentForm(d, { id: 'new-comment', label: 'Add a comment', button: 'Comment' });
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
