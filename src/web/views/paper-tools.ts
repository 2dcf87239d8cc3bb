// A member's tools beside a paper: claim authorship, edit the paper's links (its confirmed authors and
// admins), hide the paper (moderators). Only rendered for signed-in members.
import type { Member } from '../../db/queries/members.ts';
import type { PaperView } from '../../db/queries/papers.ts';
import { canModerate, isAdmin } from '../../domain/roles.ts';
import { type Html, html } from '../html.ts';
import { csrfField, field } from './forms.ts';

export interface PaperToolsData {
  view: PaperView;
  path: string;
  member: Member;
  /** The member's claims on this paper. */
  claims: { position: number; status: string }[];
  isAuthor: boolean;
  /** False until the member's address is confirmed (FOLIO_REQUIRE_CONFIRMED_EMAIL): claims wait for it. */
  canClaim: boolean;
  /** Organisations the member belongs to (for the link form). */
  orgs: { name: string; fullname: string | null }[];
}

function claimTool(d: PaperToolsData): Html {
  const pending = d.claims.find((c) => c.status === 'pending');
  if (d.isAuthor) return html`<p class="tool__note">You are a confirmed author of this paper.</p>`;
  if (pending) {
    const a = d.view.authors.find((x) => x.position === pending.position);
    return html`<p class="tool__note">Your claim to be ${a?.name ?? 'an author'} waits for an admin.</p>`;
  }
  const open = d.view.authors.filter((a) => a.user_id === null && a.hidden !== 1);
  if (!open.length) return html``;
  if (!d.canClaim) {
    return html`<p class="tool__note" data-unconfirmed>Are you an author? Confirm your email address first (<a href="/settings">settings</a> sends the link again), then claim it here.</p>`;
  }
  return html`<details class="tool"><summary>Are you an author? Claim it</summary>
  <form class="form" method="post" action="${d.path}/claim">
    ${csrfField('')}
    <div class="field"><label class="field__label" for="claim-position">Which author are you?</label>
    <select class="field__input" id="claim-position" name="position" required>${open.map((a) => html`<option value="${a.position}">${a.name}</option>`)}</select></div>
    <p class="field__hint">An admin checks the claim before your name is marked on the paper.</p>
    <button class="button" type="submit">Claim authorship</button>
  </form>
</details>`;
}

function linksTool(d: PaperToolsData): Html {
  if (!d.isAuthor && !isAdmin(d.member.role)) return html``;
  const p = d.view.paper;
  const org = d.view.organization?.name ?? '';
  return html`<details class="tool"><summary>Edit links</summary>
  <form class="form" method="post" action="${d.path}/links">
    ${csrfField('')}
    <div class="field"><label class="field__label" for="link-org">Organization</label>
    <input class="field__input" id="link-org" name="organization" value="${org}" list="link-org-list" maxlength="100" aria-describedby="link-org-hint">
    <datalist id="link-org-list">${d.orgs.map((o) => html`<option value="${o.name}">${o.fullname ?? o.name}</option>`)}</datalist>
    <p class="field__hint" id="link-org-hint">${isAdmin(d.member.role) ? 'Any organization’s short name; empty removes it.' : 'One you are a member of; empty removes it.'}</p></div>
    ${field({ label: 'GitHub repository', name: 'github_repo', type: 'url', value: p.github_repo ?? '', placeholder: 'https://github.com/owner/name', id: 'link-gh', maxlength: 500 })}
    ${field({ label: 'Project page', name: 'project_page', type: 'url', value: p.project_page ?? '', placeholder: 'https://…', id: 'link-project', maxlength: 500 })}
    <button class="button" type="submit">Save links</button>
  </form>
</details>`;
}

function moderationTool(d: PaperToolsData): Html {
  if (!canModerate(d.member.role)) return html``;
  const hidden = d.view.paper.hidden === 1;
  return html`<details class="tool"><summary>${hidden ? 'Show this paper again' : 'Hide this paper'}</summary>
  <form class="form" method="post" action="${d.path}/hide">
    ${csrfField('')}<input type="hidden" name="hidden" value="${hidden ? '0' : '1'}">
    ${field({ label: 'Reason (logged)', name: 'reason', required: true, maxlength: 500, id: 'hide-reason' })}
    <button class="button button--danger" type="submit">${hidden ? 'Show it' : 'Hide it from every list'}</button>
  </form>
</details>`;
}

export function renderPaperTools(d: PaperToolsData): Html {
  return html`<section class="tools" aria-label="Your tools">${claimTool(d)}${linksTool(d)}${moderationTool(d)}</section>`;
}

export function hiddenBanner(): Html {
  return html`<div class="notice notice--error" role="status">Moderators hid this paper: it is on no list, and only moderators see this page.</div>`;
}
