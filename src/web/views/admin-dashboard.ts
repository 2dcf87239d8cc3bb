// The overview at the top of /admin (admins only): growth over the last months as small charts, the job
// queue, the latest harvests and the mail outbox.
import type { harvestStatus, jobStatus, WeeklySeries } from '../../db/queries/admin-stats.ts';
import { dueText } from '../../jobs/queue.ts';
import { type Html, html } from '../html.ts';
import { barChart } from './charts.ts';

export interface DashboardData {
  growth: WeeklySeries[];
  jobs: Awaited<ReturnType<typeof jobStatus>>;
  harvests: Awaited<ReturnType<typeof harvestStatus>>;
  outbox: { pending: number; sent: number };
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

function growth(d: DashboardData): Html {
  return html`<div class="dash-grid">${d.growth.map(
    (s) => html`<figure class="dash-card">
    <figcaption><span class="dash-card__label">${s.label}</span> <span class="dash-card__total">${s.total.toLocaleString('en')}</span></figcaption>
    ${barChart(
      s.label,
      s.weeks.map((w) => ({ label: w.key, value: w.value })),
    )}
    <p class="dash-card__foot muted">per week, last ${s.weeks.length} weeks · latest ${s.weeks[s.weeks.length - 1]?.value ?? 0}</p>
  </figure>`,
  )}</div>`;
}

function jobs(d: DashboardData): Html {
  const kinds = [...new Set(d.jobs.counts.map((c) => c.kind))];
  const n = (kind: string, state: string) => d.jobs.counts.find((c) => c.kind === kind && c.state === state)?.n ?? 0;
  return html`<section class="settings-section" aria-labelledby="jobs-h">
  <h2 id="jobs-h">Jobs</h2>
  ${
    kinds.length
      ? html`<div class="table-wrap"><table class="table table--stack"><thead><tr><th scope="col">Kind</th><th scope="col">Queued</th><th scope="col">Running</th><th scope="col">Done</th><th scope="col">Failed</th></tr></thead><tbody>
    ${kinds.map((k) => html`<tr><td><code>${k}</code></td><td data-label="Queued">${n(k, 'queued')}</td><td data-label="Running">${n(k, 'running')}</td><td data-label="Done">${n(k, 'done')}</td><td data-label="Failed"${n(k, 'failed') ? html` class="warn"` : ''}>${n(k, 'failed')}</td></tr>`)}
  </tbody></table></div>
  <h3>Latest</h3>
  <ul class="admin-list">${d.jobs.recent.map(
    (j) =>
      html`<li class="admin-list__item"><code>#${j.id} ${j.kind}</code> · ${j.state} · due ${dueText(j.due_at) === 'first' ? 'first' : when(j.due_at)} · attempt ${j.attempts}/${j.max_attempts}${
        j.last_error ? html`<br><span class="warn">${j.last_error.split('\n')[0]?.slice(0, 200)}</span>` : ''
      }</li>`,
  )}</ul>`
      : html`<p class="muted">No job has run yet.</p>`
  }
</section>`;
}

function harvests(d: DashboardData): Html {
  return html`<section class="settings-section" aria-labelledby="harvest-h">
  <h2 id="harvest-h">arXiv harvests</h2>
  ${
    d.harvests.length
      ? html`<div class="table-wrap"><table class="table table--stack"><thead><tr><th scope="col">Set</th><th scope="col">Window</th><th scope="col">Status</th><th scope="col">Records</th><th scope="col">New</th><th scope="col">Skipped</th><th scope="col">Updated</th></tr></thead><tbody>
    ${d.harvests.map(
      (h) =>
        html`<tr><td>${h.set_spec ?? 'all'}</td><td data-label="Window">${h.from_day ?? '…'} – ${h.until_day ?? 'now'}</td><td data-label="Status"${h.status === 'failed' ? html` class="warn" title="${h.last_error ?? ''}"` : ''}>${h.status}</td><td data-label="Records">${h.records} in ${h.pages} pages</td><td data-label="New">${h.new_papers}</td><td data-label="Skipped">${h.skipped}</td><td data-label="Updated">${when(h.updated_at)}</td></tr>`,
    )}
  </tbody></table></div>`
      : html`<p class="muted">No harvest yet. The daily harvest runs on its schedule (<code>folio jobs</code> shows when); <code>folio ingest arxiv</code> runs one now.</p>`
  }
</section>`;
}

export function renderDashboard(d: DashboardData): Html {
  return html`<section class="settings-section" aria-labelledby="overview-h">
  <h2 id="overview-h">Overview</h2>
  ${growth(d)}
  <p>Mail outbox: <strong>${d.outbox.pending}</strong> waiting, ${d.outbox.sent} sent · <a href="/admin/outbox">Open the outbox</a></p>
</section>
${jobs(d)}
${harvests(d)}`;
}
