// A member's tools beside a paper: claim authorship, edit the paper's links (its confirmed authors and
// admins), hide the paper (moderators). Only rendered for signed-in members.
import { MAX_REASON_CHARS } from '../../actions/moderation-log.ts';
import type { Member } from '../../db/queries/members.ts';
import type { PaperView } from '../../db/queries/papers.ts';
import { MAX_URL_CHARS } from '../../domain/links.ts';
import { canModerate, isAdmin } from '../../domain/roles.ts';
import { type Html, html } from '../html.ts';
import { type Refusal, refusedHere, summaryIds } from '../refusal.ts';
import { csrfField, field, formProblems } from './forms.ts';

/** A tool's form refused: shown again open, with its messages and what was typed. */
export type ToolRefusal = Refusal<'claim' | 'links' | 'hide'>;

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
  refused?: ToolRefusal;
}

/** A tool's box opens on its own when its form comes back refused (the page's script does so too). */
const openIf = (r: ToolRefusal | undefined): Html => (r ? html` open` : html``);

const unclaimed = (d: PaperToolsData) => d.view.authors.filter((a) => a.user_id === null && a.hidden !== 1);
const pendingClaim = (d: PaperToolsData) => d.claims.find((c) => c.status === 'pending');

/** Whether the claim form is on the page (else a note says why not). */
const claimFormShown = (d: PaperToolsData): boolean => !d.isAuthor && !pendingClaim(d) && unclaimed(d).length > 0 && d.canClaim;

function claimTool(d: PaperToolsData): Html {
  const pending = pendingClaim(d);
  if (d.isAuthor) return html`<p class="tool__note">You are a confirmed author of this paper.</p>`;
  if (pending) {
    const a = d.view.authors.find((x) => x.position === pending.position);
    return html`<p class="tool__note">Your claim to be ${a?.name ?? 'an author'} waits for an admin.</p>`;
  }
  const open = unclaimed(d);
  if (!open.length) return html``;
  if (!d.canClaim) {
    return html`<p class="tool__note" data-unconfirmed>Are you an author? Confirm your email address first (<a href="/settings">settings</a> sends the link again), then claim it here.</p>`;
  }
  const r = refusedHere(d.refused, 'claim');
  return html`<details class="tool"${openIf(r)}><summary>Are you an author? Claim it</summary>
  <form class="form" method="post" action="${d.path}/claim">
    ${csrfField('')}
    ${formProblems(r?.state, { labels: { position: 'Author' }, ids: summaryIds(r?.state, { position: 'claim-position' }) })}
    <div class="field"><label class="field__label" for="claim-position">Which author are you?</label>
    <select class="field__input" id="claim-position" name="position" required>${open.map(
      (a) => html`<option value="${a.position}"${r?.values.position === String(a.position) ? html` selected` : ''}>${a.name}</option>`,
    )}</select></div>
    <p class="field__hint">An admin checks the claim before your name is marked on the paper.</p>
    <button class="button" type="submit">Claim authorship</button>
  </form>
</details>`;
}

function linksTool(d: PaperToolsData): Html {
  if (!d.isAuthor && !isAdmin(d.member.role)) return html``;
  const p = d.view.paper;
  const r = refusedHere(d.refused, 'links');
  // Refused: what was typed comes back, the stored links otherwise.
  const v = r?.values ?? {
    organization: d.view.organization?.name ?? '',
    github_repo: p.github_repo ?? '',
    project_page: p.project_page ?? '',
  };
  const e = r?.state.errors ?? {};
  const ids = { organization: 'link-org', github_repo: 'link-gh', project_page: 'link-project' };
  const labels = { organization: 'Organization', github_repo: 'GitHub repository', project_page: 'Project page' };
  return html`<details class="tool"${openIf(r)}><summary>Edit links</summary>
  <form class="form" method="post" action="${d.path}/links" novalidate>
    ${csrfField('')}
    ${formProblems(r?.state, { labels, ids: summaryIds(r?.state, ids) })}
    <div class="field${e.organization ? ' field--invalid' : ''}"><label class="field__label" for="link-org">Organization</label>
    <input class="field__input" id="link-org" name="organization" value="${v.organization ?? ''}" list="link-org-list" maxlength="100"${
      e.organization ? html` aria-invalid="true" aria-describedby="link-org-error link-org-hint"` : html` aria-describedby="link-org-hint"`
    }>
    <datalist id="link-org-list">${d.orgs.map((o) => html`<option value="${o.name}">${o.fullname ?? o.name}</option>`)}</datalist>
    ${e.organization ? html`<p class="field__error" id="link-org-error">${e.organization}</p>` : ''}
    <p class="field__hint" id="link-org-hint">${isAdmin(d.member.role) ? 'Any organization’s short name; empty removes it.' : 'One you are a member of; empty removes it.'}</p></div>
    ${field({ label: labels.github_repo, name: 'github_repo', type: 'url', value: v.github_repo ?? '', placeholder: 'https://github.com/owner/name', id: ids.github_repo, maxlength: MAX_URL_CHARS, error: e.github_repo })}
    ${field({ label: labels.project_page, name: 'project_page', type: 'url', value: v.project_page ?? '', placeholder: 'https://…', id: ids.project_page, maxlength: MAX_URL_CHARS, error: e.project_page })}
    <button class="button" type="submit">Save links</button>
  </form>
</details>`;
}

function moderationTool(d: PaperToolsData): Html {
  if (!canModerate(d.member.role)) return html``;
  const hidden = d.view.paper.hidden === 1;
  const r = refusedHere(d.refused, 'hide');
  return html`<details class="tool"${openIf(r)}><summary>${hidden ? 'Show this paper again' : 'Hide this paper'}</summary>
  <form class="form" method="post" action="${d.path}/hide">
    ${csrfField('')}<input type="hidden" name="hidden" value="${hidden ? '0' : '1'}">
    ${formProblems(r?.state, { labels: { reason: 'Reason' }, ids: summaryIds(r?.state, { reason: 'hide-reason' }) })}
    ${field({ label: 'Reason (logged)', name: 'reason', required: true, maxlength: MAX_REASON_CHARS, id: 'hide-reason', value: r?.values.reason ?? '', error: r?.state.errors?.reason })}
    <button class="button button--danger" type="submit">${hidden ? 'Show it' : 'Hide it from every list'}</button>
  </form>
</details>`;
}

export function renderPaperTools(d: PaperToolsData): Html {
  // A refused claim whose form is no longer there (the address not confirmed, a claim made meanwhile)
  // is said on top of the tools, so that no refusal goes unsaid.
  const unplaced = d.refused?.form === 'claim' && !claimFormShown(d) ? formProblems(d.refused.state) : html``;
  return html`<section class="tools" aria-label="Your tools">${unplaced}${claimTool(d)}${linksTool(d)}${moderationTool(d)}</section>`;
}

export function hiddenBanner(): Html {
  return html`<div class="notice notice--error" role="status">Moderators hid this paper: it is on no list, and only moderators see this page.</div>`;
}
