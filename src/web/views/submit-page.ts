// /submit: put a paper on today's list by its arXiv id or URL; the rules are stated on the page.
// A refusal shows the page again with what was typed: a mistake in it beside the field, any other
// reason (a rule, the daily cap, arXiv away) above the form, with the link it carries.
import type { FieldMessages } from '../../actions/errors.ts';
import { MAX_SUBMISSION_INPUT_CHARS } from '../../domain/submission-rules.ts';
import type { ErrorLink } from '../errors.ts';
import { type Html, html } from '../html.ts';
import { paperPath } from './components.ts';
import { messageWithLink } from './error.ts';
import { plural } from './format.ts';
import { card, csrfField, field, formProblems, notice } from './forms.ts';
import { renderPage } from './layout.ts';

export interface SubmitPageData {
  csrf: string;
  value?: string;
  /** A refusal that is no field's, shown above the form. */
  error?: string;
  /** Refusals about what was typed, by field, shown beside it. */
  errors?: FieldMessages;
  /** A link the refusal carries (the list a duplicate is on). */
  errorLink?: ErrorLink;
  done?: { paperId: string; title: string; day: string };
  rules: { maxAgeDays: number; perDay: number; trustedOnly: boolean; allowRelist: boolean };
  submittedToday: number;
  canWrite: boolean;
}

const LABELS = { paper_id: 'arXiv id or URL' };

function rules(d: SubmitPageData): Html {
  const r = d.rules;
  return html`<ul class="rules">
  <li>${r.allowRelist ? 'A paper may be on more than one day’s list, but only once a day.' : 'A paper goes on the daily list once: papers already listed are refused.'}</li>
  ${r.maxAgeDays > 0 ? html`<li>At most ${plural(r.maxAgeDays, 'day')} after it appeared on arXiv.</li>` : ''}
  ${r.perDay > 0 ? html`<li>At most ${plural(r.perDay, 'submission')} per member per day (UTC); you have made ${d.submittedToday.toLocaleString('en-US')} today.</li>` : ''}
  ${r.trustedOnly ? html`<li>Only trusted members may submit on this site.</li>` : ''}
</ul>`;
}

export function renderSubmitPage(d: SubmitPageData): string {
  const body = card(
    'Submit a paper',
    html`${d.done ? notice(html`Submitted: <a href="${paperPath(d.done.paperId)}">${d.done.title}</a> is on the list of <a href="/papers/date/${d.done.day}">${d.done.day}</a>.`, 'ok') : ''}
${d.errors ? formProblems({ errors: d.errors }, { labels: LABELS }) : notice(d.error ? messageWithLink(d.error, d.errorLink) : undefined)}
<p>Put a paper on today’s list, for the community to upvote and discuss. Folio looks it up in its own corpus, or on arXiv.</p>
${rules(d)}
${
  d.canWrite
    ? html`<form class="form" method="post" action="/submit" novalidate>
  ${csrfField(d.csrf)}
  ${field({ label: LABELS.paper_id, name: 'paper_id', value: d.value ?? '', required: true, maxlength: MAX_SUBMISSION_INPUT_CHARS, placeholder: '2401.12345 or https://arxiv.org/abs/2401.12345', autofocus: !d.errors, error: d.errors?.paper_id })}
  <button class="button button--primary button--block" type="submit">Submit</button>
</form>`
    : html`<p class="notice notice--info">Confirm your email address first (see <a href="/settings">your settings</a>).</p>`
}`,
    { wide: true },
  );
  return renderPage({ title: 'Submit a paper', description: 'Submit a paper to the daily list.', body, noindex: true });
}
