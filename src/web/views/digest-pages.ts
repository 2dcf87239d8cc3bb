// The digest's pages: the subscription section of /settings, /subscribe (visitors), the confirmation
// page behind a mailed link, and the unsubscribe page. Links from mails show a page with a button on GET
// and act on POST only, so that mail scanners following links change nothing.
// A refused form comes back with what was typed and each message beside its field.
import type { FieldMessages } from '../../actions/errors.ts';
import { type DigestFrequency, MAX_CATEGORIES_FIELD_CHARS, MAX_QUERIES_FIELD_CHARS, type Topics } from '../../domain/digest.ts';
import { type Html, html } from '../html.ts';
import { card, csrfField, field, formProblems, notice, textarea } from './forms.ts';
import { renderPage } from './layout.ts';

/** The digest fields as a form shows them: as typed, so a refused value (even no frequency) comes back. */
export interface DigestFormValues {
  /** `off`, `daily` or `weekly`, or what a refused post sent instead. */
  frequency: string;
  categories: string;
  queries: string;
}

const LABELS = { email: 'Email address', frequency: 'How often', categories: 'Categories', queries: 'Topics' };
/** Where the summary's line about each field leads (the frequency's: its first choice). */
const frequencyId = (value: string) => `digest-frequency-${value}`;
const IDS = { email: 'f-email', categories: 'digest-categories', queries: 'digest-queries' };

function problems(d: { error?: string | undefined; errors?: FieldMessages | undefined }, firstFrequency: string): Html {
  if (d.errors) return formProblems({ errors: d.errors }, { labels: LABELS, ids: { ...IDS, frequency: frequencyId(firstFrequency) } });
  return notice(d.error);
}

export function topicsForm(t: Topics): { categories: string; queries: string } {
  return { categories: t.categories.join(', '), queries: t.queries.join('\n') };
}

const FREQUENCIES: [DigestFrequency | 'off', string, string][] = [
  ['off', 'Off', 'No digest.'],
  ['daily', 'Daily', 'Monday to Friday: the top papers of the previous day’s list.'],
  ['weekly', 'Weekly', 'On Mondays: the top papers of the previous week.'],
];

function frequencyChoices(current: DigestFormValues['frequency'], withOff: boolean, error: string | undefined): Html {
  const errorId = 'digest-frequency-error';
  const invalid = error ? html` aria-invalid="true" aria-describedby="${errorId}"` : '';
  return html`<fieldset class="choices${error ? ' field--invalid' : ''}">
  <legend class="field__label">${LABELS.frequency}</legend>
  ${error ? html`<p class="field__error" id="${errorId}">${error}</p>` : ''}
  ${FREQUENCIES.filter(([v]) => withOff || v !== 'off').map(
    ([
      value,
      label,
      hint,
    ]) => html`<label class="choice"><input type="radio" id="${frequencyId(value)}" name="frequency" value="${value}"${value === current ? html` checked` : ''}${invalid}>
    <span class="choice__text"><strong>${label}</strong> <span class="muted">${hint}</span></span></label>`,
  )}
</fieldset>`;
}

function topicFields(v: DigestFormValues, errors: FieldMessages | undefined): Html {
  return html`${field({
    label: 'Categories (optional)',
    name: 'categories',
    value: v.categories,
    maxlength: MAX_CATEGORIES_FIELD_CHARS,
    placeholder: 'e.g. cs.CL, cs.LG',
    hint: 'arXiv categories, separated by commas; “cs” alone means every cs category.',
    id: IDS.categories,
    error: errors?.categories,
  })}
  ${textarea({
    label: 'Topics (optional)',
    name: 'queries',
    value: v.queries,
    rows: 3,
    maxlength: MAX_QUERIES_FIELD_CHARS,
    hint: 'One search per line, as in the search box: diffusion, "in-context learning", retriev*. With categories or topics, the digest keeps only the papers that match one of them.',
    id: IDS.queries,
    error: errors?.queries,
  })}`;
}

export interface DigestSectionData {
  csrf: string;
  email: string;
  confirmed: boolean;
  suppressed: boolean;
  values: DigestFormValues;
  /** `07:00 (Europe/Paris)`, or undefined when the site sends no digest. */
  sendTime?: string;
  /** A refusal that is no field's, shown above the form. */
  error?: string;
  /** Refusals by field, each shown beside its field. */
  errors?: FieldMessages;
}

export function renderDigestSection(d: DigestSectionData): Html {
  return html`<section class="settings-section" id="digest" aria-labelledby="digest-h">
  <h2 id="digest-h">Digest by mail</h2>
  <p>Trending papers in your inbox, ${d.sendTime ? html`sent at ${d.sendTime}` : 'when the site sends digests'}, to <strong>${d.email}</strong>. Every digest has a one-click unsubscribe link.</p>
  ${d.sendTime ? '' : notice('This site does not send digests at the moment (its operator turned them off).', 'info')}
  ${d.confirmed ? '' : notice('Digests go to confirmed addresses only: confirm yours with the link we mailed you (see above).', 'info')}
  ${d.suppressed ? notice('Mail to this address was refused repeatedly by its mail server, so we stopped sending. Ask the site’s admins to allow it again once it works.', 'error') : ''}
  ${problems(d, 'off')}
  <form class="form" method="post" action="/settings/digest">
    ${csrfField(d.csrf)}
    ${frequencyChoices(d.values.frequency, true, d.errors?.frequency)}
    ${topicFields(d.values, d.errors)}
    <button class="button button--primary" type="submit">Save digest settings</button>
  </form>
</section>`;
}

export interface SubscribeState {
  csrf: string;
  values: DigestFormValues & { email: string };
  /** A refusal that is no field's (too many tries), shown above the form. */
  error?: string;
  /** Refusals by field, each shown beside its field. */
  errors?: FieldMessages;
  sent?: boolean;
  sendTime?: string;
}

export function renderSubscribePage(s: SubscribeState): string {
  const body = card(
    'Get trending papers in your inbox',
    s.sent
      ? html`${notice('Check your inbox: we mailed you a link to confirm the subscription. It works for 48 hours; nothing is sent until you use it.', 'ok')}
<p class="card__links"><a href="/papers">Back to today’s papers</a></p>`
      : html`${problems(s, 'daily')}
<p>The top papers of the day or the week, with their summaries and links, ${s.sendTime ? `at ${s.sendTime}` : 'by mail'}. We mail you a link to confirm first; every digest has a one-click unsubscribe link. Members turn it on in their <a href="/settings#digest">settings</a>.</p>
<form class="form" method="post" action="/subscribe" novalidate>
  ${csrfField(s.csrf)}
  ${field({ label: LABELS.email, name: 'email', type: 'email', value: s.values.email, autocomplete: 'email', required: true, maxlength: 254, autofocus: !s.errors, error: s.errors?.email })}
  ${frequencyChoices(s.values.frequency, false, s.errors?.frequency)}
  ${topicFields(s.values, s.errors)}
  <button class="button button--primary button--block" type="submit">Subscribe</button>
</form>`,
    { wide: true },
  );
  return renderPage({ title: 'Subscribe to the digest', description: 'Get trending papers in your email inbox.', body, noindex: !!s.sent });
}

export function renderSubscribeConfirm(s: {
  csrf: string;
  token: string;
  email?: string;
  dead?: string;
  done?: boolean;
  frequency?: DigestFrequency;
}): string {
  let inner: Html;
  if (s.dead) inner = html`${notice(s.dead)}<p class="card__links"><a href="/subscribe">Subscribe again</a></p>`;
  else if (s.done)
    inner = html`${notice(`Thank you: ${s.email ?? 'your address'} gets the ${s.frequency ?? ''} digest from now on.`, 'ok')}<p class="card__links"><a href="/papers">See today’s papers</a></p>`;
  else
    inner = html`<p>Send the ${s.frequency ?? ''} digest of trending papers to <strong>${s.email ?? ''}</strong>?</p>
<form class="form" method="post" action="/subscribe/confirm">
  ${csrfField(s.csrf)}<input type="hidden" name="token" value="${s.token}">
  <button class="button button--primary button--block" type="submit">Confirm my subscription</button>
</form>`;
  return renderPage({
    title: 'Confirm your subscription',
    description: 'Confirm your digest subscription.',
    body: card('Confirm your subscription', inner),
    noindex: true,
  });
}

export function renderUnsubscribePage(s: {
  token: string;
  email?: string;
  frequency?: DigestFrequency;
  dead?: boolean;
  done?: boolean;
  member?: boolean;
}): string {
  let inner: Html;
  if (s.dead)
    inner = html`${notice('This unsubscribe link is not valid (it may have been cut short by your mail program). Every digest carries a working one.')}`;
  else if (s.done)
    inner = html`${notice(`${s.email ?? 'This address'} is unsubscribed: no more digests will be sent to it.`, 'ok')}
<p class="card__links">${s.member ? html`Changed your mind? Turn it on again in your <a href="/settings#digest">settings</a>.` : html`Changed your mind? <a href="/subscribe">Subscribe again</a>.`}</p>`;
  else
    inner = html`<p>Stop sending the ${s.frequency ?? ''} digest to <strong>${s.email ?? ''}</strong>?</p>
<form class="form" method="post" action="/unsubscribe/${s.token}">
  <input type="hidden" name="List-Unsubscribe" value="One-Click">
  <button class="button button--primary button--block" type="submit">Unsubscribe</button>
</form>`;
  return renderPage({
    title: 'Unsubscribe',
    description: 'Unsubscribe from the digest.',
    body: card('Unsubscribe from the digest', inner),
    noindex: true,
  });
}
