// Sign up, sign in, password reset and email confirmation pages.

import type { FieldMessages } from '../../actions/errors.ts';
import { MIN_PASSWORD_CHARS } from '../../domain/accounts.ts';
import { html } from '../html.ts';
import { card, csrfField, field, formProblems, notice } from './forms.ts';
import { renderPage, siteName } from './layout.ts';

export interface FormState {
  csrf: string;
  error?: string;
  /** Messages beside their fields, when the form comes back refused. */
  errors?: FieldMessages;
  info?: string;
  returnTo?: string;
}

const SIGN_UP_LABELS = { username: 'Username', fullname: 'Name', email: 'Email address', password: 'Password' };

function returnField(returnTo: string | undefined) {
  return returnTo ? html`<input type="hidden" name="return_to" value="${returnTo}">` : '';
}

export function renderSignIn(s: FormState & { email?: string }): string {
  const body = card(
    'Sign in',
    html`${notice(s.error)}${notice(s.info, 'info')}
<form class="form" method="post" action="/signin" novalidate>
  ${csrfField(s.csrf)}${returnField(s.returnTo)}
  ${field({ label: 'Email address', name: 'email', type: 'email', value: s.email ?? '', autocomplete: 'email', required: true, autofocus: !s.email })}
  ${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, autofocus: !!s.email })}
  <button class="button button--primary button--block" type="submit">Sign in</button>
</form>
<p class="card__links"><a href="/reset">Forgot your password?</a> · New here? <a href="/signup${s.returnTo ? `?return_to=${encodeURIComponent(s.returnTo)}` : ''}">Create an account</a></p>`,
  );
  return renderPage({ title: 'Sign in', description: `Sign in to ${siteName()}.`, body, noindex: true });
}

export function renderSignUp(s: FormState & { username?: string; email?: string; fullname?: string; closed?: boolean }): string {
  const body = card(
    'Create your account',
    s.closed
      ? html`<p>This site does not take new accounts at the moment. Ask its operator for one.</p>`
      : html`${formProblems({ ...(s.error ? { message: s.error } : {}), ...(s.errors ? { errors: s.errors } : {}) }, { labels: SIGN_UP_LABELS })}
<form class="form" method="post" action="/signup" novalidate>
  ${csrfField(s.csrf)}${returnField(s.returnTo)}
  ${field({ label: 'Username', name: 'username', value: s.username ?? '', autocomplete: 'username', required: true, maxlength: 39, hint: 'Letters, digits, "-" and "_". Shown beside what you submit and write.', autofocus: !s.errors, error: s.errors?.username })}
  ${field({ label: 'Name (optional)', name: 'fullname', value: s.fullname ?? '', autocomplete: 'name', maxlength: 80, error: s.errors?.fullname })}
  ${field({ label: 'Email address', name: 'email', type: 'email', value: s.email ?? '', autocomplete: 'email', required: true, hint: 'We send a link to confirm it. Never shown to others.', error: s.errors?.email })}
  ${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_CHARS, hint: `At least ${MIN_PASSWORD_CHARS} characters and hard to guess (not your name or address): a few unrelated words make a good one.`, error: s.errors?.password })}
  <button class="button button--primary button--block" type="submit">Create account</button>
</form>
<p class="card__links">Have an account? <a href="/signin">Sign in</a></p>`,
  );
  return renderPage({ title: 'Sign up', description: `Create an account on ${siteName()}.`, body, noindex: true });
}

export function renderResetRequest(s: FormState & { email?: string; sent?: boolean }): string {
  const body = card(
    'Reset your password',
    s.sent
      ? html`${notice('If an account uses this address, a mail with a link to choose a new password is on its way. The link works for one hour.', 'ok')}<p class="card__links"><a href="/signin">Back to sign in</a></p>`
      : html`${notice(s.error)}<p>Enter the email address of your account; we will mail you a link to choose a new password.</p>
<form class="form" method="post" action="/reset" novalidate>
  ${csrfField(s.csrf)}
  ${field({ label: 'Email address', name: 'email', type: 'email', value: s.email ?? '', autocomplete: 'email', required: true, autofocus: true })}
  <button class="button button--primary button--block" type="submit">Mail me a link</button>
</form>`,
  );
  return renderPage({ title: 'Reset your password', description: 'Reset your password.', body, noindex: true });
}

export function renderResetForm(s: FormState & { token: string; dead?: boolean }): string {
  const body = card(
    'Choose a new password',
    s.dead
      ? html`${notice('This link has been used already or has expired.')}<p class="card__links"><a href="/reset">Ask for a new link</a></p>`
      : html`${notice(s.error)}
<form class="form" method="post" action="/reset/${encodeURIComponent(s.token)}" novalidate>
  ${csrfField(s.csrf)}
  ${field({ label: 'New password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_CHARS, hint: `At least ${MIN_PASSWORD_CHARS} characters, hard to guess. You will be signed out everywhere else, and your API tokens revoked.`, autofocus: true })}
  <button class="button button--primary button--block" type="submit">Set the new password</button>
</form>`,
  );
  return renderPage({ title: 'Choose a new password', description: 'Choose a new password.', body, noindex: true });
}

export function renderConfirm(s: FormState & { token: string; dead?: boolean; done?: boolean }): string {
  let inner = html`${notice(s.error)}<p>Confirm this email address for your account?</p>
<form class="form" method="post" action="/confirm">
  ${csrfField(s.csrf)}<input type="hidden" name="token" value="${s.token}">
  <button class="button button--primary button--block" type="submit">Confirm my email address</button>
</form>`;
  if (s.dead)
    inner = html`${notice('This confirmation link has been used already or has expired.')}<p class="card__links">Ask for a new one in <a href="/settings">your settings</a>.</p>`;
  if (s.done)
    inner = html`${notice('Thank you: your email address is confirmed. You can now upvote, comment and submit papers.', 'ok')}<p class="card__links"><a href="/papers">See today’s papers</a></p>`;
  return renderPage({
    title: 'Confirm your email address',
    description: 'Confirm your email address.',
    body: card('Confirm your email address', inner),
    noindex: true,
  });
}
