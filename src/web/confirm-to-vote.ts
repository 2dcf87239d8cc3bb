// A member who has not confirmed their address presses a vote button: a note beside the button, never a
// dead end. The page's script gets a 403 JSON answer (`code: confirm_email`) and shows the note next to
// the button it pressed; a plain form post goes back (303) to the page it came from, flagged
// `?confirm_to_vote=1`, and the member's copy of that page says it on top (web/personalize.ts), where
// the answer's `#confirm-to-vote` lands.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Member } from '../db/queries/members.ts';
import { refererPath, wantsJson } from './auth.ts';
import type { AppContext } from './context.ts';
import { type Html, html } from './html.ts';

/** The query flag of a page a vote was refused back to. */
export const CONFIRM_TO_VOTE_PARAM = 'confirm_to_vote';
/** The note's id on the page: the fragment the refused vote comes back to. */
export const CONFIRM_TO_VOTE_ID = 'confirm-to-vote';
/** The refusal's code, for the page's script (and any other client). */
export const CONFIRM_TO_VOTE_CODE = 'confirm_email';
/** Where a member asks for a new confirmation link; relative, so it works under any address of the site. */
export const CONFIRM_HREF = '/settings#email';
const NOTE = 'Confirm your email address to vote';
const LINK_TEXT = 'Ask for a new link in your settings';
/** Any origin: only used to edit a local path's query. */
const BASE = 'http://confirm.invalid';

export function mustConfirmToVote(ctx: AppContext, m: Member): boolean {
  return ctx.config.requireConfirmedEmail && !m.emailConfirmed;
}

/** A local path with the flag set (other query parameters kept) and the note's fragment. */
export function withConfirmFlag(path: string): string {
  const u = new URL(path, BASE);
  u.searchParams.set(CONFIRM_TO_VOTE_PARAM, '1');
  return `${u.pathname}${u.search}#${CONFIRM_TO_VOTE_ID}`;
}

/** What the refusal says, in the answer to the script and in the note on the page. */
export function confirmToVoteMessage(m: Member): string {
  return `${NOTE}: we sent a link to ${m.email}.`;
}

/**
 * Answers a vote that must wait for a confirmed address and says true, or says false when the member
 * may vote. (A boolean, not the reply: a reply is thenable, and an awaited one resolves to nothing.)
 * `fallback`: the page to go back to when the request names none of this site (no Referer).
 */
export async function answeredUnconfirmedVote(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  m: Member,
  fallback: () => string | Promise<string>,
): Promise<boolean> {
  if (!mustConfirmToVote(ctx, m)) return false;
  reply.header('cache-control', 'no-store');
  if (wantsJson(req)) {
    void reply
      .status(403)
      .send({ error: confirmToVoteMessage(m), code: CONFIRM_TO_VOTE_CODE, link: { href: CONFIRM_HREF, text: LINK_TEXT } });
    return true;
  }
  const back = refererPath(ctx, req) ?? (await fallback());
  void reply.redirect(withConfirmFlag(back.split('#')[0] as string), 303);
  return true;
}

/** Whether this request is a page a vote was refused back to, for a member who still must confirm. */
export function askedToConfirm(ctx: AppContext, req: FastifyRequest): boolean {
  const m = req.member;
  const q = req.query as Record<string, unknown> | undefined;
  return !!m && q?.[CONFIRM_TO_VOTE_PARAM] === '1' && mustConfirmToVote(ctx, m);
}

/** Said up front beside a vote button of a page rendered for a member who must confirm first. */
export function confirmToVoteHint(): Html {
  return html`<p class="vote-note vote-note--hint"><a href="${CONFIRM_HREF}">${NOTE}</a></p>`;
}

/** The note on top of the page. */
export function confirmToVoteNote(m: Member): string {
  return html`<div class="notice notice--info vote-confirm" id="${CONFIRM_TO_VOTE_ID}" role="status" tabindex="-1">${confirmToVoteMessage(m)} <a href="${CONFIRM_HREF}">${LINK_TEXT}</a>.</div>`
    .value;
}

const MAIN_OPEN = '<main id="main" class="page" tabindex="-1">';

/** The page with the note first in its main part (the page unchanged if it has none). */
export function withConfirmToVoteNote(page: Buffer, m: Member): Buffer {
  const at = page.indexOf(MAIN_OPEN);
  if (at < 0) return page;
  const end = at + Buffer.byteLength(MAIN_OPEN);
  return Buffer.concat([page.subarray(0, end), Buffer.from(confirmToVoteNote(m)), page.subarray(end)]);
}
