// /orgs/{name}/members: who belongs to an organisation; its admins (and site admins) add and remove.
import type { OrgMemberView } from '../../actions/organisations.ts';
import type { Member } from '../../db/queries/members.ts';
import type { OrgRow } from '../../db/queries/papers.ts';
import { type Html, html } from '../html.ts';
import { type Refusal, refusedHere, summaryIds } from '../refusal.ts';
import { membersOnly } from './account-nav.ts';
import { avatar, orgPath, submitterPath } from './components.ts';
import { csrfField, field, formProblems } from './forms.ts';
import { renderPage } from './layout.ts';

export interface OrgMembersData {
  org: OrgRow;
  members: OrgMemberView[];
  viewer?: Member;
  canManage: boolean;
  csrf: string;
  /** The form just refused, shown again with its messages and what was typed. */
  refused?: OrgMembersRefusal;
}

export type OrgMembersForm = 'add' | 'remove';
export type OrgMembersRefusal = Refusal<OrgMembersForm>;

const ORG_ROLES = ['member', 'admin'] as const;

/** The member list shown on the organisation's public page. */
export function orgMemberChips(org: OrgRow, members: OrgMemberView[]): Html {
  return html`<section class="org-members" aria-labelledby="org-members-h">
  <h2 id="org-members-h" class="org-members__title">Members</h2>
  ${
    members.length
      ? html`<ul class="org-members__list">${members.map(
          (m) =>
            html`<li><a class="person" href="${submitterPath(m.username)}">${avatar(m.avatar_url)}<span>${m.fullname?.trim() || m.username}</span></a>${m.role === 'admin' ? html` <span class="badge">admin</span>` : ''}</li>`,
        )}</ul>`
      : html`<p class="muted">No members on this site yet.</p>`
  }
  ${membersOnly(html`<p><a href="${orgPath(org.name)}/members">Manage members</a></p>`)}
</section>`;
}

export function renderOrgMembersPage(d: OrgMembersData): string {
  const name = d.org.fullname?.trim() || d.org.name;
  const body = html`<div class="settings">
  <header class="list-head"><div class="list-head__text"><p class="eyebrow">Organization</p><h1><a href="${orgPath(d.org.name)}">${name}</a>: members</h1></div></header>
  <section class="settings-section" aria-label="Members">
  ${formProblems(refusedHere(d.refused, 'remove')?.state)}
  ${
    d.members.length
      ? html`<ul class="admin-list">${d.members.map(
          (m) => html`<li class="admin-list__item admin-list__item--row">
      <a class="person" href="${submitterPath(m.username)}">${avatar(m.avatar_url)}<span>${m.fullname?.trim() || m.username}</span></a> <span class="muted">@${m.username} · ${m.role}</span>
      ${
        d.canManage || d.viewer?.id === m.user_id
          ? html`<form class="form form--inline" method="post" action="${orgPath(d.org.name)}/members/${m.user_id}/remove">${csrfField(d.csrf)}<button class="button button--small button--danger" type="submit">${d.viewer?.id === m.user_id ? 'Leave' : 'Remove'}</button></form>`
          : ''
      }
    </li>`,
        )}</ul>`
      : html`<p class="muted">No members yet.</p>`
  }
  </section>
  ${d.canManage ? addForm(d) : d.viewer ? html`<p class="muted">The organization’s admins add members.</p>` : html`<p class="muted"><a href="/signin">Sign in</a> to manage members.</p>`}
</div>`;
  return renderPage({ title: `${name}: members`, description: `Members of ${name}.`, body, noindex: true });
}

function addForm(d: OrgMembersData): Html {
  const r = refusedHere(d.refused, 'add');
  const e = r?.state.errors ?? {};
  const ids = { username: 'add-username', role: 'add-role' };
  return html`<section class="settings-section" aria-labelledby="add-h"><h2 id="add-h">Add a member</h2>
  ${formProblems(r?.state, { labels: { username: 'Username', role: 'Role' }, ids: summaryIds(r?.state, ids) })}
  <form class="form form--inline" method="post" action="${orgPath(d.org.name)}/members" novalidate>${csrfField(d.csrf)}
    ${field({ label: 'Username', name: 'username', required: true, maxlength: 40, id: ids.username, value: r?.values.username ?? '', error: e.username })}
    <div class="field${e.role ? ' field--invalid' : ''}"><label class="field__label" for="add-role">Role</label><select class="field__input" id="add-role" name="role"${
      e.role ? html` aria-invalid="true" aria-describedby="add-role-error"` : ''
    }>${ORG_ROLES.map((role) => html`<option value="${role}"${r?.values.role === role ? html` selected` : ''}>${role}</option>`)}</select>${
      e.role ? html`<p class="field__error" id="add-role-error">${e.role}</p>` : ''
    }</div>
    <button class="button button--primary" type="submit">Add</button>
  </form></section>`;
}
