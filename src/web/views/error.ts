// Error pages in the site layout: what went wrong, in words, and ways back. Never a stack trace.
import type { ErrorLink } from '../errors.ts';
import { type Html, html } from '../html.ts';
import { renderPage } from './layout.ts';

const HEADINGS: Record<number, string> = {
  // A 400 comes from a form as often as from an address: the heading fits both, the message says what.
  400: 'That did not work',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not possible here',
  413: 'Too much at once',
  429: 'Slow down a little',
};

function heading(status: number): string {
  return HEADINGS[status] ?? (status >= 500 ? 'Something went wrong' : 'Request refused');
}

/** A refusal's message with the link the site put under it, if any (the message itself is text). */
export function messageWithLink(message: string, link?: ErrorLink): Html {
  return html`${message}${link ? html` <a href="${link.href}">${link.text}</a>` : ''}`;
}

export function renderErrorPage(status: number, message: string, link?: ErrorLink): string {
  const title = heading(status);
  const body = html`<section class="error-page" aria-labelledby="error-title">
  <p class="eyebrow">Error ${status}</p>
  <h1 id="error-title">${title}</h1>
  ${/* Messages echo what was asked for (a path, a name): text only, never a link to follow. */ ''}
  <p class="error-page__message">${messageWithLink(message, link)}</p>
  ${status >= 500 ? html`<p>Please try again in a moment.</p>` : ''}
  <h2 class="error-page__more">Where to go from here</h2>
  <ul class="error-page__links">
    <li><a href="/papers">Today's papers</a></li>
    <li><a href="/papers/week">This week's papers</a></li>
    <li><a href="/papers/month">This month's papers</a></li>
    <li><a href="/papers/trending">Trending papers</a></li>
  </ul>
  <p>Or search all papers with the box at the top of the page.</p>
</section>`;
  return renderPage({ title: `${title} (${status})`, description: message, body, noindex: true });
}
