// /settings: profile, email confirmation, password, how lists look, API tokens. Other features add their own sections
// through `settingsSections` (the digest subscription will, see the marked place below).
import { MAX_TOKEN_NAME_CHARS } from '../../actions/api-tokens.ts';
import type { ApiTokenInfo, Member } from '../../db/queries/members.ts';
import { MAX_FULLNAME_CHARS, MIN_PASSWORD_CHARS } from '../../domain/accounts.ts';
import { LIST_VIEWS, type ListView } from '../../domain/list-view.ts';
import { type Html, html } from '../html.ts';
import { type Refusal, refusedHere, summaryIds } from '../refusal.ts';
import { mediumDay } from './format.ts';
import { csrfField, field, formProblems, notice } from './forms.ts';
import { renderPage } from './layout.ts';

export interface SettingsData {
  member: Member;
  csrf: string;
  tokens: ApiTokenInfo[];
  /** A token just made: shown this once. */
  newToken?: { name: string; token: string };
  notice?: { text: string; kind: 'ok' | 'error' | 'info' };
  /** Sections other features add (rendered in order, after the built-in ones). */
  extra?: Html[];
  /** New tokens wait for a confirmed address (FOLIO_REQUIRE_CONFIRMED_EMAIL). */
  tokensNeedConfirmation?: boolean;
  /** The form just refused, shown again with its messages; the page's other forms read as they were. */
  refused?: SettingsRefusal;
}

export type SettingsForm = 'profile' | 'password' | 'resend' | 'tokens' | 'revoke';
export type SettingsRefusal = Refusal<SettingsForm>;

/** The summary on top of a refused form, its links to that form's own field ids. */
function problems(r: SettingsRefusal | undefined, ids: Record<string, string>, labels: Record<string, string>): Html {
  return formProblems(r?.state, { labels, ids: summaryIds(r?.state, ids) });
}

function profile(d: SettingsData): Html {
  const m = d.member;
  const r = refusedHere(d.refused, 'profile');
  return html`<section class="settings-section" id="profile" aria-labelledby="profile-h">
  <h2 id="profile-h">Profile</h2>
  <dl class="facts facts--inline"><div><dt>Username</dt><dd>@${m.username}</dd></div><div><dt>Role</dt><dd>${m.role}</dd></div></dl>
  <form class="form" method="post" action="/settings/profile" novalidate>
    ${csrfField(d.csrf)}
    ${problems(r, { fullname: 'profile-fullname' }, { fullname: 'Name' })}
    ${field({ label: 'Name', name: 'fullname', value: r ? (r.values.fullname ?? '') : (m.fullname ?? ''), autocomplete: 'name', maxlength: MAX_FULLNAME_CHARS, hint: 'Shown instead of your username where there is room.', id: 'profile-fullname', error: r?.state.errors?.fullname })}
    <button class="button" type="submit">Save name</button>
  </form>
</section>`;
}

function email(d: SettingsData): Html {
  const m = d.member;
  const r = refusedHere(d.refused, 'resend');
  return html`<section class="settings-section" id="email" aria-labelledby="email-h">
  <h2 id="email-h">Email address</h2>
  <p><strong>${m.email}</strong> ${m.emailConfirmed ? html`<span class="badge badge--ok">confirmed</span>` : html`<span class="badge badge--warn">not confirmed yet</span>`}</p>
  ${
    m.emailConfirmed
      ? ''
      : html`<p>Follow the link we mailed you to confirm it; until then you cannot upvote, comment or submit.</p>
  ${problems(r, {}, {})}
  <form class="form form--inline" method="post" action="/settings/resend-confirmation">${csrfField(d.csrf)}<button class="button" type="submit">Mail me a new link</button></form>`
  }
</section>`;
}

function password(d: SettingsData): Html {
  const r = refusedHere(d.refused, 'password');
  const e = r?.state.errors ?? {};
  // A refused password form comes back with both fields empty: a password is never sent back in a page.
  return html`<section class="settings-section" id="password" aria-labelledby="password-h">
  <h2 id="password-h">Password</h2>
  <form class="form" method="post" action="/settings/password" novalidate>
    ${csrfField(d.csrf)}
    ${problems(r, { current: 'password-current', next: 'password-next' }, { current: 'Current password', next: 'New password' })}
    ${field({ label: 'Current password', name: 'current', type: 'password', autocomplete: 'current-password', required: true, id: 'password-current', error: e.current })}
    ${field({ label: 'New password', name: 'next', type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_CHARS, hint: `At least ${MIN_PASSWORD_CHARS} characters. Your other sessions will be signed out.`, id: 'password-next', error: e.next })}
    <button class="button" type="submit">Change password</button>
  </form>
</section>`;
}

function tokens(d: SettingsData): Html {
  const r = refusedHere(d.refused, 'tokens');
  return html`<section class="settings-section" id="tokens" aria-labelledby="tokens-h">
  <h2 id="tokens-h">API tokens</h2>
  <p>Scripts use a token to upvote, comment and submit through the API: <code>Authorization: Bearer folio_…</code>. The read API answers as Hugging Face’s Papers API does (for example <a href="/api/daily_papers">/api/daily_papers</a>), so its clients work here too.</p>
  ${
    d.newToken
      ? html`<div class="notice notice--ok token-once" role="status"><p>Your new token “${d.newToken.name}”. Copy it now: it is not shown again.</p><p><code class="token-once__value" data-select-all>${d.newToken.token}</code></p></div>`
      : ''
  }
  ${
    d.tokens.length
      ? html`<div class="table-wrap"><table class="table table--stack"><thead><tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead><tbody>
    ${d.tokens.map(
      (
        t,
      ) => html`<tr><td data-label="Name">${t.name}</td><td data-label="Token"><code>${t.prefix}…</code></td><td data-label="Created">${mediumDay(t.created_at)}</td><td data-label="Last used">${t.last_used_at ? mediumDay(t.last_used_at) : 'never'}</td>
      <td><form method="post" action="/settings/tokens/${t.id}/revoke">${csrfField(d.csrf)}<button class="button button--small button--danger" type="submit" aria-label="Revoke token ${t.name}">Revoke</button></form></td></tr>`,
    )}
  </tbody></table></div>`
      : html`<p class="muted">No tokens yet.</p>`
  }
  ${problems(refusedHere(d.refused, 'revoke'), {}, {})}
  ${problems(r, { name: 'token-name' }, { name: 'Token name' })}
  ${
    d.tokensNeedConfirmation
      ? html`<p class="tool__note" data-unconfirmed>Confirm your email address (above) to create API tokens.</p>`
      : html`<form class="form form--inline" method="post" action="/settings/tokens" novalidate>
    ${csrfField(d.csrf)}
    ${field({ label: 'Name of a new token', name: 'name', maxlength: MAX_TOKEN_NAME_CHARS, required: true, placeholder: 'e.g. my-paper-bot', id: 'token-name', value: r?.values.name ?? '', error: r?.state.errors?.name })}
    <button class="button button--primary" type="submit">Create token</button>
  </form>`
  }
</section>`;
}

const VIEW_CHOICES: Record<ListView, { label: string; hint: string }> = {
  full: { label: 'Full', hint: 'Title, abstract, authors and thumbnail: for reading the list.' },
  compact: { label: 'Compact', hint: 'Title, authors and counts on a row or two: several times as many papers on a screen.' },
};

/** How lists show papers: the same choice as the Full/Compact switch above every list. */
function reading(d: SettingsData): Html {
  const current = d.member.listView;
  return html`<section class="settings-section" id="reading" aria-labelledby="reading-h">
  <h2 id="reading-h">Lists</h2>
  <form class="form" method="post" action="/view">
    ${csrfField(d.csrf)}<input type="hidden" name="return_to" value="/settings?view=1#reading">
    <fieldset class="choices">
      <legend>How daily, weekly, monthly and trending lists show papers</legend>
      ${LIST_VIEWS.map(
        (v) =>
          html`<label class="choice"><input type="radio" name="view" value="${v}"${v === current ? html` checked` : ''}> <span><strong>${VIEW_CHOICES[v].label}</strong> <span class="muted">${VIEW_CHOICES[v].hint}</span></span></label>`,
      )}
    </fieldset>
    <button class="button" type="submit">Save</button>
  </form>
</section>`;
}

export function renderSettingsPage(d: SettingsData): string {
  const body = html`<div class="settings">
  <header class="list-head"><div class="list-head__text"><p class="eyebrow">Your account</p><h1>Settings</h1></div></header>
  ${d.notice ? notice(d.notice.text, d.notice.kind) : ''}
  ${profile(d)}
  ${email(d)}
  ${password(d)}
  ${reading(d)}
  ${tokens(d)}
  ${/* DIGEST: the digest subscription toggle goes here (a section added through `extra`). */ ''}
  ${d.extra ?? []}
</div>`;
  return renderPage({ title: 'Settings', description: 'Your account settings.', body, noindex: true });
}
