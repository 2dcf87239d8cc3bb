// /admin/outbox: the mails Folio queued, with their state, and one mail's headers, text and HTML.
// The HTML of a mail is shown two ways, neither of which lets it act on this site: inside a sandboxed
// frame whose document comes from its own route with a CSP of its own (`sandbox`, no scripts, no
// network), and as escaped source.
import type { OutboxMail } from '../../email/outbox.ts';
import { type Html, html } from '../html.ts';
import { csrfField, notice } from './forms.ts';
import { renderPage } from './layout.ts';

export interface OutboxListData {
  csrf: string;
  mails: OutboxMail[];
  counts: { status: string; n: number }[];
  status?: string;
  /** Id to page on from (older mails), when there are more. */
  older?: number;
  suppressed: { email: string; hard_bounces: number; last_error: string | null; suppressed_at: string | null }[];
  smtp: boolean;
  outboxDir: string;
  notice?: { text: string; kind: 'ok' | 'error' };
}

const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

const STATUS_HELP: Record<string, string> = {
  pending: 'waiting to be sent (or for its next try)',
  sending: 'being sent by a sender now',
  sent: 'sent',
  failed: 'given up',
  bounced: 'refused for good by the recipient’s server',
  suppressed: 'not sent: the address bounced too often',
  cancelled: 'not sent: unsubscribed in the meantime',
};

function statusBadge(m: OutboxMail): Html {
  const cls = m.status === 'sent' ? 'badge--ok' : m.status === 'pending' || m.status === 'sending' ? 'badge--warn' : 'badge--danger';
  const label = m.status === 'sent' && m.deliveredVia === 'outbox' ? 'kept (no SMTP)' : m.status;
  return html`<span class="badge ${cls}" title="${STATUS_HELP[m.status] ?? ''}">${label}</span>`;
}

export function renderOutboxList(d: OutboxListData): string {
  const filter = (s: string | undefined, label: string, n?: number) =>
    html`<a class="tab" href="/admin/outbox${s ? `?status=${s}` : ''}"${d.status === s ? html` aria-current="page"` : ''}>${label}${n !== undefined ? ` (${n})` : ''}</a>`;
  const total = d.counts.reduce((a, c) => a + c.n, 0);
  const body = html`<div class="settings settings--wide">
  <header class="list-head"><div class="list-head__text"><p class="eyebrow"><a href="/admin">Admin</a></p><h1>Mail outbox</h1></div></header>
  ${d.notice ? notice(d.notice.text, d.notice.kind) : ''}
  <p>${
    d.smtp
      ? 'Mails are sent through the SMTP server set in FOLIO_SMTP_URL; this is the record of each.'
      : html`No SMTP server is set (FOLIO_SMTP_URL), so mails are not sent: they are kept here, and each is also written as an .eml file in <code>${d.outboxDir}</code>.`
  }</p>
  <nav class="tabs" aria-label="Mails by state"><ul>
    <li>${filter(undefined, 'All', total)}</li>
    ${d.counts.map((c) => html`<li>${filter(c.status, c.status, c.n)}</li>`)}
  </ul></nav>
  ${
    d.mails.length
      ? html`<div class="table-wrap"><table class="table table--stack">
    <thead><tr><th scope="col">#</th><th scope="col">Queued</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Tries</th></tr></thead>
    <tbody>${d.mails.map(
      (m) => html`<tr>
      <td><a href="/admin/outbox/${m.id}">${m.id}</a></td>
      <td data-label="Queued">${when(m.createdAt)}</td>
      <td data-label="To">${m.to}</td>
      <td><a href="/admin/outbox/${m.id}">${m.subject}</a>${m.lastError ? html`<br><span class="warn">${m.lastError.slice(0, 200)}</span>` : ''}</td>
      <td data-label="Kind">${m.kind}</td>
      <td data-label="State">${statusBadge(m)}${m.status === 'pending' && m.attempts > 0 ? html`<br><span class="muted">next ${when(m.nextAttemptAt)}</span>` : ''}</td>
      <td data-label="Tries">${m.attempts}</td>
    </tr>`,
    )}</tbody></table></div>
  ${d.older ? html`<p><a class="button" href="/admin/outbox?${d.status ? `status=${d.status}&` : ''}before=${d.older}">Older mails</a></p>` : ''}`
      : html`<p class="muted">No mails here.</p>`
  }
  <section class="settings-section" aria-labelledby="suppressed-h">
    <h2 id="suppressed-h">Addresses no longer mailed</h2>
    ${
      d.suppressed.length
        ? html`<div class="table-wrap"><table class="table table--stack"><thead><tr><th scope="col">Address</th><th scope="col">Refusals</th><th scope="col">Since</th><th scope="col">Last refusal</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>
      ${d.suppressed.map(
        (
          a,
        ) => html`<tr><td>${a.email}</td><td data-label="Refusals">${a.hard_bounces}</td><td data-label="Since">${when(a.suppressed_at)}</td><td data-label="Last refusal">${a.last_error ?? ''}</td>
        <td><form method="post" action="/admin/outbox/addresses/allow">${csrfField(d.csrf)}<input type="hidden" name="email" value="${a.email}"><button class="button button--small" type="submit">Allow again</button></form></td></tr>`,
      )}
    </tbody></table></div>`
        : html`<p class="muted">None: no address was refused often enough (FOLIO_MAIL_BOUNCE_LIMIT) to be left out.</p>`
    }
  </section>
</div>`;
  return renderPage({ title: 'Mail outbox', description: 'The mails Folio queued.', body, noindex: true });
}

export function renderOutboxMail(d: {
  csrf: string;
  mail: OutboxMail;
  from: string;
  messageId: string;
  notice?: { text: string; kind: 'ok' | 'error' };
}): string {
  const m = d.mail;
  const headers: [string, string][] = [
    ['From', d.from],
    ['To', m.toName ? `${m.toName} <${m.to}>` : m.to],
    ['Subject', m.subject],
    ['Message-ID', d.messageId],
    ...Object.entries(m.headers ?? {}),
  ];
  const retryable =
    m.status === 'pending' || m.status === 'failed' || m.status === 'bounced' || (m.status === 'sent' && m.deliveredVia === 'outbox');
  const body = html`<div class="settings settings--wide">
  <header class="list-head"><div class="list-head__text"><p class="eyebrow"><a href="/admin/outbox">Mail outbox</a></p><h1>Mail #${m.id}</h1></div></header>
  ${d.notice ? notice(d.notice.text, d.notice.kind) : ''}
  <dl class="facts">
    <div><dt>State</dt><dd>${statusBadge(m)} ${m.deliveredVia === 'outbox' ? 'not mailed: no SMTP server is set' : (STATUS_HELP[m.status] ?? '')}</dd></div>
    <div><dt>Kind</dt><dd>${m.kind}</dd></div>
    <div><dt>Queued</dt><dd>${when(m.createdAt)}</dd></div>
    <div><dt>Sent</dt><dd>${m.sentAt ? `${when(m.sentAt)} (${m.deliveredVia === 'outbox' ? 'kept in the outbox: no SMTP' : 'SMTP'})` : '—'}</dd></div>
    <div><dt>Tries</dt><dd>${m.attempts}${m.status === 'pending' && m.attempts ? ` · next ${when(m.nextAttemptAt)}` : ''}</dd></div>
    ${m.lastError ? html`<div><dt>Last error</dt><dd class="warn">${m.lastError}</dd></div>` : ''}
  </dl>
  <p><a class="button" href="/admin/outbox/${m.id}/eml" download="mail-${m.id}.eml">Download .eml</a>
  ${retryable ? html`<form class="form form--inline" method="post" action="/admin/outbox/${m.id}/retry">${csrfField(d.csrf)}<button class="button" type="submit">Send again now</button></form>` : ''}</p>
  <section class="settings-section" aria-labelledby="headers-h"><h2 id="headers-h">Headers</h2>
    <div class="table-wrap"><table class="table"><tbody>${headers.map(([k, v]) => html`<tr><th scope="row">${k}</th><td><code class="mail-header">${v}</code></td></tr>`)}</tbody></table></div>
  </section>
  <section class="settings-section" aria-labelledby="text-h"><h2 id="text-h">Plain text</h2>
    <pre class="mail-text">${m.text}</pre>
  </section>
  <section class="settings-section" aria-labelledby="html-h"><h2 id="html-h">HTML</h2>
    <iframe class="mail-frame" src="/admin/outbox/${m.id}/html" sandbox title="The mail’s HTML, rendered without scripts or network access" loading="lazy"></iframe>
    <details><summary>HTML source</summary><pre class="mail-text">${m.html}</pre></details>
  </section>
</div>`;
  return renderPage({ title: `Mail #${m.id}`, description: 'A mail of the outbox.', body, noindex: true });
}
