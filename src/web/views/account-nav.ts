// The account corner of the header. Pages are cached with the signed-out version between two markers;
// for a signed-in member, web/personalize.ts swaps in the member's version on the way out.
import type { Member } from '../../db/queries/members.ts';
import { canModerate } from '../../domain/roles.ts';
import { type Html, html, trusted } from '../html.ts';
import { avatar, submitterPath } from './components.ts';

export const ACCOUNT_START = '<!--account-->';
export const ACCOUNT_END = '<!--/account-->';
/** Around the digest invitation on list pages: a member who already subscribed does not see it. */
export const DIGEST_BANNER_START = '<!--digest-banner-->';
export const DIGEST_BANNER_END = '<!--/digest-banner-->';
/**
 * Markup for signed-in members only, on a page cached for everyone: it travels inside an HTML comment
 * (which no visitor sees) and personalize.ts unwraps it for a member. Site-made markup only, never
 * containing `-->`.
 */
export const MEMBERS_ONLY_START = '<!--members-only:';
export const MEMBERS_ONLY_END = ':members-only-->';
export function membersOnly(markup: Html): Html {
  if (markup.value.includes('-->')) throw new Error('members-only markup cannot hold "-->"');
  return trusted(`${MEMBERS_ONLY_START}${markup.value}${MEMBERS_ONLY_END}`);
}

export function anonymousNav(): Html {
  return html`<nav class="account" aria-label="Account"><a class="account__link" href="/signin">Sign in</a><a class="button button--primary account__signup" href="/signup">Sign up</a></nav>`;
}

export function memberNav(m: Member, csrf: string): Html {
  return html`<nav class="account" aria-label="Account">
  <a class="account__link account__submit" href="/submit">Submit</a>
  <details class="account-menu" data-menu>
    <summary class="account-menu__summary">${avatar(m.avatar_url)}<span class="account-menu__name">${m.username}</span><span aria-hidden="true">▾</span><span class="visually-hidden">, account menu</span></summary>
    <ul class="account-menu__list">
      <li class="account-menu__who">Signed in as <strong>@${m.username}</strong></li>
      <li><a href="/for-you">For you</a></li>
      <li><a href="/settings">Settings</a></li>
      <li><a href="${submitterPath(m.username)}">Your submissions</a></li>
      <li><a href="/submit">Submit a paper</a></li>
      ${canModerate(m.role) ? html`<li><a href="/admin">Admin</a></li>` : ''}
      <li><form method="post" action="/signout"><input type="hidden" name="_csrf" value="${csrf}"><button class="link-button" type="submit">Sign out</button></form></li>
    </ul>
  </details>
</nav>`;
}
