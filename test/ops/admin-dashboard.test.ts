// The admin dashboard: growth charts, jobs, harvests and the outbox, for admins only.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { weeklyGrowth } from '../../src/db/queries/admin-stats.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { getPage, makeMember, signedIn } from '../support/members.ts';
import { buildTestApp, FIXTURES, type TestApp } from '../support/store.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  await importFiles(t.store.db, [join(FIXTURES, 'hf-daily', '2026-06-02.json')]);
  await enqueue(t.store.db, 'recompute-trending', {});
});
afterAll(async () => t.cleanup());

describe('/admin overview', () => {
  it('shows admins charts of growth, the job queue, harvests and the outbox', async () => {
    const admin = await makeMember(t.store, { role: 'admin' });
    const page = await getPage(t.app, '/admin', await signedIn(t.store, admin.id));
    expect(page.status).toBe(200);
    const charts = page.root.querySelectorAll('svg.chart');
    expect(charts.length).toBeGreaterThanOrEqual(4);
    for (const c of charts) expect(c.getAttribute('role')).toBe('img');
    const labels = charts.map((c) => c.getAttribute('aria-label') ?? '');
    expect(labels.some((l) => l.startsWith('Papers added:'))).toBe(true);
    expect(labels.some((l) => l.startsWith('Members joined:'))).toBe(true);
    expect(page.root.querySelector('#jobs-h')).not.toBeNull();
    expect(page.body).toContain('recompute-trending');
    expect(page.root.querySelector('#harvest-h')).not.toBeNull();
    expect(page.body).toContain('href="/admin/outbox"');
  });

  it('counts what happened, week by week', async () => {
    const series = await weeklyGrowth(t.store.db);
    const papers = series.find((s) => s.label === 'Papers added');
    const items = (await import(join(FIXTURES, 'hf-daily', '2026-06-02.json'), { with: { type: 'json' } })).default as unknown[];
    expect(papers?.total).toBe(items.length);
    // Imported today: all in the latest week.
    expect(papers?.weeks[papers.weeks.length - 1]?.value).toBe(items.length);
    expect(papers?.weeks.length).toBeGreaterThanOrEqual(26);
  });

  it('is not shown to moderators, and /admin is closed to members and visitors', async () => {
    const mod = await makeMember(t.store, { role: 'moderator' });
    const page = await getPage(t.app, '/admin', await signedIn(t.store, mod.id));
    expect(page.status).toBe(200);
    expect(page.root.querySelector('svg.chart')).toBeNull();
    const member = await makeMember(t.store);
    expect((await getPage(t.app, '/admin', await signedIn(t.store, member.id))).status).toBe(403);
    expect([302, 303]).toContain((await getPage(t.app, '/admin')).status);
  });
});
