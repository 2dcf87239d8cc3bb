// /admin: pending authorship claims, members and their roles, new organisations, the moderation log.
// Moderators see the members (to suspend); admins see everything.
import type { PendingClaim } from '../../actions/authorship.ts';
import { MAX_REASON_CHARS } from '../../actions/moderation-log.ts';
import { MAX_ORG_FULLNAME_CHARS } from '../../actions/organisations.ts';
import type { Member, MemberListRow } from '../../db/queries/members.ts';
import { canSetRole, canSuspend, isAdmin, ROLES } from '../../domain/roles.ts';
import { type Html, html } from '../html.ts';
import { type Refusal, refusedHere, summaryIds } from '../refusal.ts';
import { type DashboardData, renderDashboard } from './admin-dashboard.ts';
import { paperPath, submitterPath } from './components.ts';
import { mediumDay } from './format.ts';
import { csrfField, field, formProblems, notice } from './forms.ts';
import { renderPage } from './layout.ts';
import { hasMath, renderMath } from './math.ts';

export interface LogRow {
  id: number;
  created_at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  reason: string;
}

export interface AdminData {
  actor: Member;
  csrf: string;
  claims: PendingClaim[];
  members: MemberListRow[];
  q: string;
  log: LogRow[];
  notice?: { text: string; kind: 'ok' | 'error' };
  /** The overview (admins only). */
  dashboard?: DashboardData;
  /** The form just refused (`key`: the claim's or member's id), shown again with its messages. */
  refused?: AdminRefusal;
}

export type AdminForm = 'claim' | 'role' | 'suspend' | 'org';
export type AdminRefusal = Refusal<AdminForm>;

/** The reason of a moderation form; refused, it keeps what was typed and says what is wrong beside it. */
function reasonInput(id: string, r?: AdminRefusal): Html {
  const error = r?.state.errors?.reason;
  return html`<label class="visually-hidden" for="${id}">Reason</label><input class="field__input field__input--small" id="${id}" name="reason" required maxlength="${MAX_REASON_CHARS}" placeholder="Reason (logged)"${
    r ? html` value="${r.values.reason ?? ''}"` : ''
  }${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>${error ? html`<p class="field__error field__error--row" id="${id}-error">${error}</p>` : ''}`;
}

/** The summary of a refused row form (a claim, a member), on top of its section. */
function rowProblems(r: AdminRefusal | undefined, ids: Record<string, string>): Html {
  return formProblems(r?.state, { labels: { role: 'Role', reason: 'Reason' }, ids: summaryIds(r?.state, ids) });
}

function claims(d: AdminData): Html {
  if (!isAdmin(d.actor.role)) return html``;
  const refused = d.refused?.form === 'claim' ? d.refused : undefined;
  return html`<section class="settings-section" aria-labelledby="claims-h">
  <h2 id="claims-h">Authorship claims waiting</h2>
  ${rowProblems(refused, { reason: `claim-${refused?.key}` })}
  ${
    d.claims.length
      ? html`<ul class="admin-list">${d.claims.map(
          (c) => html`<li class="admin-list__item">
      <p><a href="${submitterPath(c.username)}">@${c.username}</a> (${c.email}) says they are <strong>${c.author}</strong> of <a href="${paperPath(c.paper_id)}">${renderMath(c.title, { inlineOnly: true })}</a> <span class="muted">· ${mediumDay(c.created_at)}</span></p>
      <form class="form form--inline" method="post" action="/admin/claims/${c.id}" novalidate>${csrfField(d.csrf)}${reasonInput(`claim-${c.id}`, refusedHere(d.refused, 'claim', c.id))}
        <button class="button button--small button--primary" type="submit" name="decision" value="confirm">Confirm</button>
        <button class="button button--small button--danger" type="submit" name="decision" value="refuse">Refuse</button></form>
    </li>`,
        )}</ul>`
      : html`<p class="muted">No claims waiting.</p>`
  }
</section>`;
}

function members(d: AdminData): Html {
  const refused = d.refused?.form === 'role' || d.refused?.form === 'suspend' ? d.refused : undefined;
  const rowIds: Record<string, string> =
    refused?.form === 'role' ? { role: `role-${refused.key}`, reason: `role-reason-${refused.key}` } : { reason: `susp-${refused?.key}` };
  return html`<section class="settings-section" aria-labelledby="members-h">
  <h2 id="members-h">Members</h2>
  ${rowProblems(refused, rowIds)}
  <form class="form form--inline" method="get" action="/admin">
    <label class="visually-hidden" for="member-q">Find members</label>
    <input class="field__input" id="member-q" name="q" type="search" value="${d.q}" placeholder="Username or email starts with…" maxlength="100">
    <button class="button" type="submit">Find</button>
  </form>
  <div class="table-wrap"><table class="table table--stack">
    <thead><tr><th scope="col">Member</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
    <tbody>${d.members.map((m) => {
      const target = { id: m.id, role: m.role };
      const role = refusedHere(d.refused, 'role', m.id);
      const suspend = refusedHere(d.refused, 'suspend', m.id);
      const roleError = role?.state.errors?.role;
      // Refused, the select shows the role that was chosen (when it is one), else the member's.
      const chosen = role?.values.role && (ROLES as readonly string[]).includes(role.values.role) ? role.values.role : m.role;
      return html`<tr>
      <td><a href="${submitterPath(m.username)}">@${m.username}</a><br><span class="muted">${m.email} · joined ${mediumDay(m.created_at)}</span></td>
      <td data-label="Role">${m.role}</td>
      <td data-label="Status">${m.suspended_at ? html`<span class="badge badge--danger">suspended</span> <span class="muted">${m.suspended_reason ?? ''}</span>` : m.email_confirmed_at ? 'active' : html`<span class="muted">email not confirmed</span>`}</td>
      <td class="table__actions">
        ${
          canSetRole(d.actor, target)
            ? html`<form class="form form--inline" method="post" action="/admin/members/${m.id}/role" novalidate>${csrfField(d.csrf)}
          <label class="visually-hidden" for="role-${m.id}">Role of ${m.username}</label>
          <select class="field__input field__input--small" id="role-${m.id}" name="role"${
            roleError ? html` aria-invalid="true" aria-describedby="role-${m.id}-error"` : ''
          }>${ROLES.map((r) => html`<option value="${r}"${r === chosen ? html` selected` : ''}>${r}</option>`)}</select>${
            roleError ? html`<p class="field__error field__error--row" id="role-${m.id}-error">${roleError}</p>` : ''
          }
          ${reasonInput(`role-reason-${m.id}`, role)}<button class="button button--small" type="submit">Set role</button></form>`
            : ''
        }
        ${
          canSuspend(d.actor, target)
            ? html`<form class="form form--inline" method="post" action="/admin/members/${m.id}/suspend" novalidate>${csrfField(d.csrf)}
          <input type="hidden" name="suspended" value="${m.suspended_at ? '0' : '1'}">${reasonInput(`susp-${m.id}`, suspend)}
          <button class="button button--small${m.suspended_at ? '' : ' button--danger'}" type="submit">${m.suspended_at ? 'Reinstate' : 'Suspend'}</button></form>`
            : ''
        }
      </td></tr>`;
    })}</tbody>
  </table></div>
</section>`;
}

function orgs(d: AdminData): Html {
  if (!isAdmin(d.actor.role)) return html``;
  const r = refusedHere(d.refused, 'org');
  const e = r?.state.errors ?? {};
  return html`<section class="settings-section" aria-labelledby="orgs-h">
  <h2 id="orgs-h">New organization</h2>
  <form class="form" method="post" action="/admin/orgs" novalidate>${csrfField(d.csrf)}
    ${formProblems(r?.state, { labels: { name: 'Short name', fullname: 'Full name' }, ids: summaryIds(r?.state, { name: 'org-name', fullname: 'org-fullname' }) })}
    ${field({ label: 'Short name (in its address, /orgs/name)', name: 'name', required: true, maxlength: 39, id: 'org-name', value: r?.values.name ?? '', error: e.name })}
    ${field({ label: 'Full name', name: 'fullname', maxlength: MAX_ORG_FULLNAME_CHARS, id: 'org-fullname', value: r?.values.fullname ?? '', error: e.fullname })}
    <button class="button" type="submit">Create organization</button>
  </form>
</section>`;
}

function targetLink(r: LogRow): Html {
  if (r.target_type === 'paper') return html`<a href="${paperPath(r.target_id)}">${r.target_id}</a>`;
  if (r.target_type === 'member') return html`<a href="${submitterPath(r.target_id)}">@${r.target_id}</a>`;
  return html`${r.target_type} ${r.target_id}`;
}

function log(d: AdminData): Html {
  if (!isAdmin(d.actor.role)) return html``;
  return html`<section class="settings-section" aria-labelledby="log-h">
  <h2 id="log-h">Moderation log</h2>
  ${
    d.log.length
      ? html`<div class="table-wrap"><table class="table table--stack"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Why</th></tr></thead><tbody>
    ${d.log.map((r) => html`<tr><td>${r.created_at.slice(0, 16).replace('T', ' ')}</td><td data-label="Who">@${r.actor}</td><td data-label="What"><code>${r.action}</code></td><td data-label="Target">${targetLink(r)}</td><td data-label="Why">${r.reason}</td></tr>`)}
  </tbody></table></div>`
      : html`<p class="muted">Nothing logged yet.</p>`
  }
</section>`;
}

export function renderAdminPage(d: AdminData): string {
  const body = html`<div class="settings settings--wide">
  <header class="list-head"><div class="list-head__text"><p class="eyebrow">${isAdmin(d.actor.role) ? 'Admin' : 'Moderation'}</p><h1>Administration</h1></div></header>
  ${d.notice ? notice(d.notice.text, d.notice.kind) : ''}
  ${d.dashboard ? renderDashboard(d.dashboard) : ''}
  ${claims(d)}
  ${members(d)}
  ${orgs(d)}
  ${log(d)}
</div>`;
  return renderPage({
    title: 'Administration',
    description: 'Moderation and administration.',
    body,
    noindex: true,
    math: hasMath(body.value),
  });
}
