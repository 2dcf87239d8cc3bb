// Composing digests: one delivery row and one mail per subscriber and period, whatever happens (a run
// dying between batches, two composers at once, a second run); topics; who is left out; which period a
// scheduled run covers; and the worker path without SMTP (the outbox folder).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeDigests } from '../../src/actions/compose-digests.ts';
import { countDeliveries } from '../../src/db/queries/digests.ts';
import { type DigestPeriod, digestCron, digestPeriod, localDay, previousWeekKey } from '../../src/domain/digest.ts';
import { DIGEST_COMPOSE_JOB, scheduledPeriod } from '../../src/jobs/digest-jobs.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { Scheduler } from '../../src/jobs/schedule.ts';
import { jobHandlers, scheduleEntries } from '../../src/jobs/setup.ts';
import { Worker } from '../../src/jobs/worker.ts';
import { addSubscribers, DAY, digestSettings, listPapers, manySubscribers } from '../support/digest.ts';
import { makeMember } from '../support/members.ts';
import { buildStore, type TestStore } from '../support/store.ts';

let t: TestStore;
const daily = digestPeriod('daily', DAY) as DigestPeriod;
const quiet = { info() {}, error() {} };

beforeEach(async () => {
  t = await buildStore(digestSettings());
  await listPapers(t.store, DAY, [
    { id: '2606.00001', title: 'Diffusion models for text', categories: ['cs.CL', 'cs.LG'], upvotes: 50 },
    { id: '2606.00002', title: 'Robot grasping at scale', categories: ['cs.RO'], upvotes: 40 },
    { id: '2606.00003', title: 'A survey of retrieval augmented generation', categories: ['cs.IR'], upvotes: 30 },
    { id: '2606.00004', title: 'Galaxy rotation curves', categories: ['astro-ph.GA'], upvotes: 20 },
  ]);
});
afterEach(async () => t.cleanup());

async function digestMails(): Promise<{ to: string; id: number; subject: string; text: string }[]> {
  return (
    await t.store.db
      .selectFrom('outbox')
      .select(['to_addr as to', 'id', 'subject', 'text_body as text'])
      .where('kind', '=', 'digest')
      .orderBy('id')
      .execute()
  ).map((r) => ({ ...r }));
}

describe('compose', () => {
  it('queues one mail per active subscriber of the frequency, and nothing on a second run', async () => {
    await addSubscribers(t.store, [
      ...manySubscribers(5),
      { email: 'weekly@example.org', frequency: 'weekly' },
      { email: 'pending@example.org', status: 'pending' },
      { email: 'gone@example.org', status: 'unsubscribed' },
    ]);
    const first = await composeDigests({ db: t.store.db, config: t.config, period: daily });
    expect(first).toMatchObject({ papers: 4, queued: 5, empty: 0, raced: 0 });
    const again = await composeDigests({ db: t.store.db, config: t.config, period: daily });
    expect(again).toMatchObject({ queued: 0, empty: 0 });
    const mails = await digestMails();
    expect(mails.map((m) => m.to).sort()).toEqual(
      manySubscribers(5)
        .map((s) => s.email)
        .sort(),
    );
    expect(await countDeliveries(t.store.db, daily.id)).toEqual({ deliveries: 5, mails: 5 });
    // The next period is a new digest for everyone.
    await listPapers(t.store, '2026-06-03', [{ id: '2606.00010' }]);
    const next = await composeDigests({ db: t.store.db, config: t.config, period: digestPeriod('daily', '2026-06-03') as DigestPeriod });
    expect(next.queued).toBe(5);
  });

  it('finishes a run that died between batches, with no subscriber skipped or doubled', async () => {
    await addSubscribers(t.store, manySubscribers(25));
    let batches = 0;
    await expect(
      composeDigests({
        db: t.store.db,
        config: t.config,
        period: daily,
        batchSize: 10,
        onDigest: () => {
          if (++batches === 10) throw new Error('killed'); // after the first batch committed
        },
      }),
    ).rejects.toThrow('killed');
    expect((await countDeliveries(t.store.db, daily.id)).deliveries).toBe(10);
    const r = await composeDigests({ db: t.store.db, config: t.config, period: daily, batchSize: 10 });
    expect(r.queued).toBe(15);
    const mails = await digestMails();
    expect(mails).toHaveLength(25);
    expect(new Set(mails.map((m) => m.to)).size).toBe(25);
  });

  it('gives each subscriber one mail when two composers run at once', async () => {
    await addSubscribers(t.store, manySubscribers(120));
    const runs = await Promise.all([
      composeDigests({ db: t.store.db, config: t.config, period: daily, batchSize: 7 }),
      composeDigests({ db: t.store.db, config: t.config, period: daily, batchSize: 11 }),
      composeDigests({ db: t.store.db, config: t.config, period: daily, batchSize: 13 }),
    ]);
    expect(runs.reduce((a, r) => a + r.queued, 0)).toBe(120);
    const mails = await digestMails();
    expect(mails).toHaveLength(120);
    expect(new Set(mails.map((m) => m.to)).size).toBe(120);
    expect(await countDeliveries(t.store.db, daily.id)).toEqual({ deliveries: 120, mails: 120 });
  });

  it('keeps the papers matching a subscriber’s topics, and sends nothing when none match', async () => {
    await addSubscribers(t.store, [
      { email: 'nlp@example.org', categories: ['cs.CL'] },
      { email: 'cs@example.org', categories: ['cs'] },
      { email: 'rag@example.org', queries: ['retrieval'] },
      { email: 'mixed@example.org', categories: ['astro-ph.GA'], queries: ['"robot grasping"'] },
      { email: 'nothing@example.org', queries: ['quantum chromodynamics'] },
    ]);
    const r = await composeDigests({ db: t.store.db, config: t.config, period: daily });
    expect(r).toMatchObject({ queued: 4, empty: 1 });
    const byTo = new Map((await digestMails()).map((m) => [m.to, m.text]));
    const titles = (to: string) => [...(byTo.get(to) ?? '').matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]);
    expect(titles('nlp@example.org')).toEqual(['Diffusion models for text']);
    expect(titles('cs@example.org')).toEqual([
      'Diffusion models for text',
      'Robot grasping at scale',
      'A survey of retrieval augmented generation',
    ]);
    expect(titles('rag@example.org')).toEqual(['A survey of retrieval augmented generation']);
    expect(titles('mixed@example.org')).toEqual(['Robot grasping at scale', 'Galaxy rotation curves']);
    expect(byTo.has('nothing@example.org')).toBe(false);
    const none = await t.store.db.selectFrom('digest_deliveries').selectAll().where('outbox_id', 'is', null).execute();
    expect(none).toHaveLength(1);
    expect(none[0]?.papers).toBe(0);
    // Done for this period: a second run does not reconsider them.
    expect((await composeDigests({ db: t.store.db, config: t.config, period: daily })).empty).toBe(0);
  });

  it('mails members at their account address only when it is confirmed and they are not suspended', async () => {
    const ok = await makeMember(t.store, { email: 'ok@example.org', fullname: 'Ada L.' });
    const unconfirmed = await makeMember(t.store, { email: 'unconfirmed@example.org', confirmed: false });
    const suspended = await makeMember(t.store, { email: 'suspended@example.org' });
    await t.store.db.updateTable('accounts').set({ suspended_at: new Date().toISOString() }).where('user_id', '=', suspended.id).execute();
    await addSubscribers(t.store, [
      { email: 'ok@example.org', userId: ok.id },
      { email: 'unconfirmed@example.org', userId: unconfirmed.id },
      { email: 'suspended@example.org', userId: suspended.id },
      { email: 'bounced@example.org' },
    ]);
    await t.store.db
      .insertInto('mail_addresses')
      .values({
        email: 'bounced@example.org',
        hard_bounces: 3,
        last_bounce_at: null,
        last_error: '550',
        suppressed_at: new Date().toISOString(),
      })
      .execute();
    const r = await composeDigests({ db: t.store.db, config: t.config, period: daily });
    expect(r.queued).toBe(1);
    const row = await t.store.db.selectFrom('outbox').select(['to_addr', 'to_name']).where('kind', '=', 'digest').executeTakeFirstOrThrow();
    expect(row).toEqual({ to_addr: 'ok@example.org', to_name: 'Ada L.' });
  });

  it('records nothing for a period without papers, so that a later run still sends it', async () => {
    await addSubscribers(t.store, manySubscribers(3));
    const empty = digestPeriod('daily', '2026-06-05') as DigestPeriod;
    expect(await composeDigests({ db: t.store.db, config: t.config, period: empty })).toMatchObject({ papers: 0, queued: 0 });
    expect((await countDeliveries(t.store.db, empty.id)).deliveries).toBe(0);
    await listPapers(t.store, '2026-06-05', [{ id: '2606.00050' }]);
    expect((await composeDigests({ db: t.store.db, config: t.config, period: empty })).queued).toBe(3);
  });

  it('writes the math of titles and summaries as Unicode text, in both parts', async () => {
    await listPapers(t.store, DAY, [
      {
        id: '2606.00009',
        title: 'Scaling $O(n \\log n)$ attention to $10^{9}$ tokens',
        summary: 'We bound the error by $\\epsilon \\leq \\frac{1}{\\sqrt{n}}$ in $\\mathbb{R}^{d}$.',
        upvotes: 99,
      },
    ]);
    await addSubscribers(t.store, [{ email: 'reader@example.org' }]);
    await composeDigests({ db: t.store.db, config: t.config, period: daily });
    const row = await t.store.db
      .selectFrom('outbox')
      .select(['text_body', 'html_body'])
      .where('kind', '=', 'digest')
      .executeTakeFirstOrThrow();
    for (const body of [row.text_body, row.html_body]) {
      expect(body).toContain('Scaling O(n log n) attention to 10⁹ tokens');
      expect(body).toContain('ϵ ≤ 1/√n in ℝᵈ');
      expect(body).not.toMatch(/\$|\\(?:log|frac|sqrt|mathbb)/);
    }
  });

  it('dry-run writes nothing', async () => {
    await addSubscribers(t.store, manySubscribers(4));
    const seen: string[] = [];
    const r = await composeDigests({ db: t.store.db, config: t.config, period: daily, dryRun: true, onDigest: (d) => seen.push(d.email) });
    expect(r.queued).toBe(4);
    expect(seen).toHaveLength(4);
    expect(await digestMails()).toHaveLength(0);
    expect((await countDeliveries(t.store.db, daily.id)).deliveries).toBe(0);
  });
});

describe('schedule', () => {
  it('runs daily on weekdays and weekly on Mondays at the configured local time', () => {
    expect(digestCron('07:00', 'daily')).toBe('0 7 * * 1-5');
    expect(digestCron('18:45', 'weekly')).toBe('45 18 * * 1');
    const entries = scheduleEntries({ ...t.config, digestTime: '07:30', timezone: 'Europe/Paris' });
    const daily = entries.find((e) => e.name === 'digest-daily');
    expect(daily).toMatchObject({
      cron: '30 7 * * 1-5',
      timezone: 'Europe/Paris',
      kind: DIGEST_COMPOSE_JOB,
      payload: { frequency: 'daily' },
    });
    expect(entries.find((e) => e.name === 'digest-weekly')?.cron).toBe('30 7 * * 1');
    expect(scheduleEntries({ ...t.config, digestTime: 'off' }).some((e) => e.kind === DIGEST_COMPOSE_JOB)).toBe(false);
  });

  it('covers the previous list day (Friday’s on Monday) and the previous ISO week, in the local time zone', async () => {
    await listPapers(t.store, '2026-06-05', [{ id: '2606.00060' }]); // a Friday
    // Monday 8 June 2026, 07:00 in Paris (05:00 UTC).
    const monday = new Date('2026-06-08T05:00:00Z');
    expect((await scheduledPeriod(t.store, 'daily', monday, 'Europe/Paris'))?.id).toBe('daily:2026-06-05');
    expect((await scheduledPeriod(t.store, 'weekly', monday, 'Europe/Paris'))?.id).toBe('weekly:2026-W23');
    // 02:00 UTC on Wednesday is 04:00 in Paris (covers Tuesday's list) but Tuesday 19:00 in Los Angeles,
    // where the previous list day would be before Tuesday: there is none here.
    const wednesday = new Date('2026-06-03T02:00:00Z');
    expect(localDay(wednesday, 'America/Los_Angeles')).toBe('2026-06-02');
    expect((await scheduledPeriod(t.store, 'daily', wednesday, 'Europe/Paris'))?.id).toBe('daily:2026-06-02');
    expect(await scheduledPeriod(t.store, 'daily', wednesday, 'America/Los_Angeles')).toBeUndefined();
    expect(previousWeekKey('2026-01-05')).toBe('2026-W01');
    expect(previousWeekKey('2026-01-01')).toBe('2025-W52');
  });
});

describe('worker without SMTP', () => {
  it('composes on schedule and keeps every mail in the outbox folder as an .eml file', async () => {
    await addSubscribers(t.store, manySubscribers(3));
    const handlers = jobHandlers(t.config, t.store);
    const worker = new Worker(t.store.db, handlers, new Scheduler(t.store.db, []), quiet, 10, 60_000);
    // Wednesday 3 June 2026 at 07:00 UTC: covers Tuesday's list.
    await enqueue(
      t.store.db,
      DIGEST_COMPOSE_JOB,
      { frequency: 'daily' },
      { dueAt: new Date('2026-06-03T07:00:00Z'), uniqueKey: 'digest-daily@test' },
    );
    const compose = await worker.runOnce();
    expect(compose?.kind).toBe(DIGEST_COMPOSE_JOB);
    expect(
      (
        await t.store.db
          .selectFrom('jobs')
          .select('state')
          .where('id', '=', compose?.id as number)
          .executeTakeFirstOrThrow()
      ).state,
    ).toBe('done');
    for (let i = 0; i < 5 && (await worker.runOnce()); i++);
    const rows = await t.store.db.selectFrom('outbox').select(['id', 'status', 'delivered_via']).where('kind', '=', 'digest').execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.status === 'sent' && r.delivered_via === 'outbox')).toBe(true);
    const dir = join(t.dir, 'outbox');
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(rows.map((r) => `${r.id}.eml`).sort());
    const parsed = await simpleParser(readFileSync(join(dir, `${rows[0]?.id}.eml`)));
    expect(parsed.subject).toBe('Top papers of June 2, 2026 · Folio');
    expect(parsed.text).toContain('Diffusion models for text');
    expect(parsed.html).toContain('Diffusion models for text');
    const header = (k: string) => parsed.headerLines.find((h) => h.key === k)?.line;
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('message-id')).toBe(
      `Message-ID: <digest.daily.2026-06-02.${
        (
          await t.store.db
            .selectFrom('digest_deliveries')
            .select('subscription_id')
            .where('outbox_id', '=', rows[0]?.id as number)
            .executeTakeFirstOrThrow()
        ).subscription_id
      }@example.org>`,
    );
  });
});
