// Member bits on a page rendered for everyone. Pages are rendered and cached once, signed-out; for a
// signed-in member the cached bytes are copied with (1) the header's account corner replaced,
// (2) the CSRF token filled into every form's empty `_csrf` field, (3) the member's own upvotes
// pressed, found with one query over the paper ids on the page, (4) the digest invitation left
// out for a member who subscribed (one query, on pages that have it), (5) markup for members only
// unwrapped from the HTML comment it travels in, and (6) on a page a vote was refused back to, the
// note that the member must confirm their address to vote (web/confirm-to-vote.ts). So a member never
// gets another member's header from the cache, and the expensive part (lists, KaTeX) is still rendered once.
//
// Each page is cut once into a template (byte pieces between the places that change), kept beside its
// cache entry: a member's copy is then one query and one concatenation, not a search through the page.
import type { FastifyRequest } from 'fastify';
import { votedAmong } from '../actions/votes.ts';
import { subscriptionByEmail, subscriptionOfMember } from '../db/queries/digests.ts';
import { askedToConfirm, withConfirmToVoteNote } from './confirm-to-vote.ts';
import type { AppContext } from './context.ts';
import { escapeHtml } from './html.ts';
import {
  ACCOUNT_END,
  ACCOUNT_START,
  DIGEST_BANNER_END,
  DIGEST_BANNER_START,
  MEMBERS_ONLY_END,
  MEMBERS_ONLY_START,
  memberNav,
} from './views/account-nav.ts';
import { voteAttrs } from './views/components.ts';

type Slot =
  | { kind: 'account' }
  | { kind: 'csrf' }
  | { kind: 'vote'; id: string }
  | { kind: 'banner'; text: Buffer }
  | { kind: 'members-only'; inner: string };

interface Template {
  pieces: Buffer[];
  slots: Slot[];
  paperIds: string[];
}

const EMPTY_CSRF = 'name="_csrf" value=""';
/** The places that change: the account corner, empty CSRF fields, unpressed vote buttons, the digest invitation. */
const PLACES = new RegExp(
  [
    `${ACCOUNT_START}[\\s\\S]*?${ACCOUNT_END}`,
    `${DIGEST_BANNER_START}[\\s\\S]*?${DIGEST_BANNER_END}`,
    `${MEMBERS_ONLY_START}[\\s\\S]*?${MEMBERS_ONLY_END}`,
    EMPTY_CSRF,
    voteAttrs('\u0000', false)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace('\u0000', '([^"]{1,100})'),
  ].join('|'),
  'g',
);

function unescapeAttr(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);
}

export function buildTemplate(body: string): Template {
  const pieces: Buffer[] = [];
  const slots: Slot[] = [];
  const paperIds: string[] = [];
  let last = 0;
  for (const m of body.matchAll(PLACES)) {
    const at = m.index ?? 0;
    pieces.push(Buffer.from(body.slice(last, at)));
    if (m[0].startsWith(ACCOUNT_START)) slots.push({ kind: 'account' });
    else if (m[0].startsWith(DIGEST_BANNER_START)) slots.push({ kind: 'banner', text: Buffer.from(m[0]) });
    else if (m[0].startsWith(MEMBERS_ONLY_START))
      slots.push({ kind: 'members-only', inner: m[0].slice(MEMBERS_ONLY_START.length, -MEMBERS_ONLY_END.length) });
    else if (m[0] === EMPTY_CSRF) slots.push({ kind: 'csrf' });
    else {
      const id = unescapeAttr(m[1] as string);
      slots.push({ kind: 'vote', id });
      paperIds.push(id);
    }
    last = at + m[0].length;
  }
  pieces.push(Buffer.from(body.slice(last)));
  return { pieces, slots, paperIds };
}

const templates = new WeakMap<object, Template>();

/** The template of a cached body (made on first use, dropped with the cache entry). */
function templateOf(body: string | Buffer, owner?: object): Template {
  if (owner) {
    const t = templates.get(owner);
    if (t) return t;
  }
  const t = buildTemplate(typeof body === 'string' ? body : body.toString('utf8'));
  if (owner) templates.set(owner, t);
  return t;
}

/** The page as this request's member sees it (the body unchanged for a signed-out visitor). */
export async function personalize(ctx: AppContext, req: FastifyRequest, body: string | Buffer, owner?: object): Promise<string | Buffer> {
  const m = req.member;
  const s = req.session;
  if (!m || !s) return body;
  const t = templateOf(body, owner);
  const voted = t.paperIds.length ? await votedAmong(ctx.store.db, m.id, t.paperIds) : new Set<string>();
  const account = Buffer.from(memberNav(m, s.csrf).value);
  const csrf = Buffer.from(`name="_csrf" value="${escapeHtml(s.csrf)}"`);
  const banner = t.slots.some((x) => x.kind === 'banner');
  const sub = banner ? ((await subscriptionOfMember(ctx.store.db, m.id)) ?? (await subscriptionByEmail(ctx.store.db, m.email))) : undefined;
  const subscribed = sub !== undefined && sub.status !== 'unsubscribed';
  const out: Buffer[] = [];
  // Members-only markup may hold forms: their empty CSRF fields are filled as everywhere else.
  const csrfFilled = (inner: string) => Buffer.from(inner.replaceAll(EMPTY_CSRF, csrf.toString()));
  t.slots.forEach((slot, i) => {
    out.push(t.pieces[i] as Buffer);
    if (slot.kind === 'account') out.push(account);
    else if (slot.kind === 'csrf') out.push(csrf);
    else if (slot.kind === 'members-only') out.push(csrfFilled(slot.inner));
    else if (slot.kind === 'banner') {
      if (!subscribed) out.push(slot.text);
    } else out.push(Buffer.from(voteAttrs(slot.id, voted.has(slot.id))));
  });
  out.push(t.pieces[t.pieces.length - 1] as Buffer);
  const page = Buffer.concat(out);
  return askedToConfirm(ctx, req) ? withConfirmToVoteNote(page, m) : page;
}
