// Delivery against a real SMTP server in the test process (smtp-server on 127.0.0.1): both parts and the
// unsubscribe headers arrive; one-click unsubscribe works; a server that is down, then up, gets every
// mail once; 4xx retries with backoff; 550 marks the address and stops after the limit; header
// injection is refused; concurrent senders never double a mail; and a sender killed mid-run (SIGKILL,
// at a point the server chooses) and restarted delivers to everyone exactly once.
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPOSE_BATCH, composeDigests } from '../../src/actions/compose-digests.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { countDeliveries } from '../../src/db/queries/digests.ts';
import { type DigestPeriod, digestPeriod } from '../../src/domain/digest.ts';
import { enqueueMail } from '../../src/email/outbox.ts';
import { mailBackoffMs, type SendReport, sendDueMails } from '../../src/email/sender.ts';
import { classifySendError, smtpTransport } from '../../src/email/transport.ts';
import { DIGEST_COMPOSE_JOB } from '../../src/jobs/digest-jobs.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { startFolio } from '../support/cli.ts';
import { addSubscribers, DAY, digestSettings, listPapers, manySubscribers } from '../support/digest.ts';
import { makeMember } from '../support/members.ts';
import { parseHeaders, type Received, startSmtp, type TestSmtp } from '../support/smtp.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;
let smtp: TestSmtp;
const period = digestPeriod('daily', DAY) as DigestPeriod;
const HOSTILE = '<script>alert("x")</script> & <b>bold</b>';

beforeEach(async () => {
  smtp = await startSmtp();
  t = await buildTestApp(digestSettings({ smtpUrl: smtp.url, mailBounceLimit: '2', smtpConnections: '2' }));
  await listPapers(t.store, DAY, [
    {
      id: '2606.00001',
      title: `Diffusion models ${HOSTILE}`,
      summary: 'A short summary of the paper.',
      organization: 'Example Lab',
      githubRepo: 'https://github.com/example/diffusion',
      githubStars: 1234,
      upvotes: 50,
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'],
    },
    { id: '2606.00002', title: 'Robot grasping at scale', upvotes: 40 },
  ]);
});

afterEach(async () => {
  await t.cleanup();
  await smtp.close();
});

async function compose(p: DigestPeriod = period) {
  return composeDigests({ db: t.store.db, config: t.config, period: p });
}

async function send(o: { now?: Date; worker?: string; config?: Partial<typeof t.config> } = {}): Promise<SendReport> {
  const transport = smtpTransport(t.config);
  try {
    return await sendDueMails({
      db: t.store.db,
      config: { ...t.config, ...o.config },
      transport,
      worker: o.worker ?? 'test-sender',
      ...(o.now ? { now: () => o.now as Date } : {}),
    });
  } finally {
    transport.close();
  }
}

const hours = (n: number) => new Date(Date.now() + n * 3600_000);

function header(r: Received, name: string): string | undefined {
  return parseHeaders(r.raw).find((h) => h.name.toLowerCase() === name)?.value;
}

/** Every recipient got exactly one distinct Message-ID, the one expected for them. */
async function expectExactlyOnce(emails: string[]): Promise<{ copies: number }> {
  const ids = new Map<string, Set<string>>();
  for (const r of smtp.received) {
    for (const to of r.to) {
      const set = ids.get(to) ?? new Set();
      set.add(r.messageId ?? '');
      ids.set(to, set);
    }
  }
  expect([...ids.keys()].sort()).toEqual([...emails].sort());
  for (const [to, set] of ids) expect(set.size, `${to} got ${set.size} different digests`).toBe(1);
  const subs = await t.store.db.selectFrom('digest_subscriptions').select(['id', 'email']).execute();
  for (const s of subs) {
    if (ids.has(s.email)) expect([...(ids.get(s.email) as Set<string>)][0]).toBe(`<digest.daily.${DAY}.${s.id}@example.org>`);
  }
  return { copies: smtp.received.length };
}

describe('the message', () => {
  it('arrives with a plain-text and an HTML part, escaped content and the unsubscribe headers', async () => {
    const [id] = await addSubscribers(t.store, [{ email: 'reader@example.org' }]);
    expect((await compose()).queued).toBe(1);
    expect(await send()).toMatchObject({ sent: 1, retry: 0, bounced: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const r = smtp.received[0] as Received;
    expect(r.to).toEqual(['reader@example.org']);
    expect(r.from).toBe('papers@example.org');
    expect(r.messageId).toBe(`<digest.daily.${DAY}.${id}@example.org>`);
    const m = await simpleParser(r.raw);
    expect(m.subject).toBe('Top papers of June 2, 2026 · Folio');
    expect(m.from?.value).toEqual([{ name: 'Folio Papers', address: 'papers@example.org' }]);
    // Plain text: readable on its own, with every link.
    expect(m.text).toContain(`1. Diffusion models ${HOSTILE}`);
    expect(m.text).toContain('Ada Lovelace, Alan Turing, Grace Hopper and 2 others — Example Lab');
    expect(m.text).toContain('A short summary of the paper.');
    expect(m.text).toContain('Read: https://papers.example.org/papers/2606.00001');
    expect(m.text).toContain('arXiv: https://arxiv.org/abs/2606.00001');
    expect(m.text).toContain('Code: https://github.com/example/diffusion (★ 1.2K)');
    expect(m.text).toMatch(/Unsubscribe \(one click\): https:\/\/papers\.example\.org\/unsubscribe\/\S+/);
    // HTML: the hostile title is text, not markup.
    const html = m.html as string;
    expect(html).toContain('Diffusion models &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('href="https://arxiv.org/abs/2606.00001"');
    expect(html).toContain('href="https://github.com/example/diffusion"');
    // RFC 2369 and RFC 8058.
    const lu = header(r, 'list-unsubscribe') as string;
    expect(lu).toMatch(
      /^<https:\/\/papers\.example\.org\/unsubscribe\/[\w.-]+>, <mailto:papers@example\.org\?subject=unsubscribe%20[\w.-]+>$/,
    );
    expect(header(r, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header(r, 'auto-submitted')).toBe('auto-generated');
  });

  it('unsubscribes with the one-click POST of the header’s link (no cookie, no CSRF token); GET changes nothing', async () => {
    await addSubscribers(t.store, [{ email: 'reader@example.org' }, { email: 'other@example.org' }]);
    await compose();
    await send();
    const r = smtp.received.find((x) => x.to[0] === 'reader@example.org') as Received;
    const url = new URL(/<(https:[^>]+)>/.exec(header(r, 'list-unsubscribe') as string)?.[1] as string);
    const status = async () =>
      (
        await t.store.db
          .selectFrom('digest_subscriptions')
          .select('status')
          .where('email', '=', 'reader@example.org')
          .executeTakeFirstOrThrow()
      ).status;

    const page = await t.app.inject({ method: 'GET', url: url.pathname });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('reader@example.org');
    expect(await status()).toBe('active');

    const res = await t.app.inject({
      method: 'POST',
      url: url.pathname,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    expect(await status()).toBe('unsubscribed');
    // Mail providers may post multipart bodies too; a second click is harmless.
    const multipart = await t.app.inject({
      method: 'POST',
      url: url.pathname,
      payload: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect(multipart.statusCode).toBe(200);
    // A forged or altered token does nothing.
    const forged = await t.app.inject({ method: 'POST', url: `${url.pathname.replace(/\.[^.]+$/, '')}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` });
    expect(forged.statusCode).toBe(400);

    await listPapers(t.store, '2026-06-03', [{ id: '2606.00009' }]);
    smtp.received.length = 0;
    await compose(digestPeriod('daily', '2026-06-03') as DigestPeriod);
    await send();
    expect(smtp.received.map((x) => x.to[0])).toEqual(['other@example.org']);
  });
});

describe('failures', () => {
  it('delivers everything once when the server is down, then up (connection refused is temporary)', async () => {
    const subs = manySubscribers(20);
    await addSubscribers(t.store, subs);
    await compose();
    await smtp.down();
    const down = await send();
    expect(down.sent).toBe(0);
    expect(down.halted).toMatch(/ECONNREFUSED|connect/i);
    const rows = await t.store.db.selectFrom('outbox').select(['status', 'next_attempt_at']).execute();
    expect(rows.every((r) => r.status === 'pending' && (r.next_attempt_at as string) > new Date().toISOString())).toBe(true);
    // Not due yet: nothing happens before the backoff.
    await smtp.up();
    expect((await send()).sent).toBe(0);
    expect((await send({ now: hours(3) })).sent).toBe(20);
    expect((await send({ now: hours(6) })).sent).toBe(0);
    const { copies } = await expectExactlyOnce(subs.map((s) => s.email));
    expect(copies).toBe(20);
  });

  it('retries a 4xx with backoff, and gives up after the attempts allowed', async () => {
    await addSubscribers(t.store, [{ email: 'busy@example.org' }, { email: 'ok@example.org' }, { email: 'never@example.org' }]);
    smtp.rcptReply.set('busy@example.org', { code: 451, message: 'mailbox busy, try later' });
    smtp.rcptReply.set('never@example.org', { code: 452, message: 'over quota' });
    await compose();
    const first = await send();
    expect(first).toMatchObject({ sent: 1, retry: 2 });
    const busy = await t.store.db.selectFrom('outbox').selectAll().where('to_addr', '=', 'busy@example.org').executeTakeFirstOrThrow();
    expect(busy).toMatchObject({ status: 'pending', attempts: 1 });
    expect(busy.last_error).toContain('451');
    const wait = Date.parse(busy.next_attempt_at as string) - Date.now();
    expect(wait).toBeGreaterThan(mailBackoffMs(1) - 5000);
    expect(wait).toBeLessThanOrEqual(mailBackoffMs(1));
    smtp.rcptReply.delete('busy@example.org');
    const second = await send({ now: hours(1), config: { mailMaxAttempts: 2 } });
    expect(second).toMatchObject({ sent: 1, failed: 1 });
    const never = await t.store.db.selectFrom('outbox').selectAll().where('to_addr', '=', 'never@example.org').executeTakeFirstOrThrow();
    expect(never).toMatchObject({ status: 'failed', attempts: 2 });
    expect(smtp.received.map((r) => r.to[0]).sort()).toEqual(['busy@example.org', 'ok@example.org']);
  });

  it('marks an address refused with 550, and stops mailing it after the limit', async () => {
    await addSubscribers(t.store, [{ email: 'gone@example.org' }, { email: 'flaky@example.org' }, { email: 'ok@example.org' }]);
    smtp.rcptReply.set('gone@example.org', { code: 550, message: 'no such user' });
    smtp.rcptReply.set('flaky@example.org', { code: 550, message: 'no such user' });
    const days = ['2026-06-02', '2026-06-03', '2026-06-04'];
    for (const d of days.slice(1)) await listPapers(t.store, d, [{ id: `2606.1${d.slice(-2)}00` }]);
    const address = (e: string) => t.store.db.selectFrom('mail_addresses').selectAll().where('email', '=', e).executeTakeFirst();

    await compose(digestPeriod('daily', days[0] as string) as DigestPeriod);
    expect(await send()).toMatchObject({ sent: 1, bounced: 2 });
    expect(await address('gone@example.org')).toMatchObject({ hard_bounces: 1, suppressed_at: null });
    expect((await address('gone@example.org'))?.last_error).toContain('550');
    const bounced = await t.store.db
      .selectFrom('outbox')
      .select('status')
      .where('to_addr', '=', 'gone@example.org')
      .executeTakeFirstOrThrow();
    expect(bounced.status).toBe('bounced');

    // flaky's mailbox works again: a delivery resets its count.
    smtp.rcptReply.delete('flaky@example.org');
    await compose(digestPeriod('daily', days[1] as string) as DigestPeriod);
    expect(await send()).toMatchObject({ sent: 2, bounced: 1 });
    expect((await address('gone@example.org'))?.suppressed_at).not.toBeNull();
    expect((await address('flaky@example.org'))?.hard_bounces).toBe(0);

    // Suppressed: no digest is composed for it, and a mail queued anyway is not sent.
    await enqueueMail(t.store.db, { to: 'gone@example.org', subject: 'Reset your password', text: 'x', html: '<p>x</p>' });
    const third = await compose(digestPeriod('daily', days[2] as string) as DigestPeriod);
    expect(third.queued).toBe(2);
    smtp.attempts.length = 0;
    expect(await send()).toMatchObject({ sent: 2, suppressed: 1, bounced: 0 });
    expect(smtp.attempts).not.toContain('gone@example.org');
  });

  it('reads SMTP errors: 5xx at RCPT bounces, 5xx at DATA rejects the message, 4xx retries, the rest halts', () => {
    expect(classifySendError({ responseCode: 550, command: 'RCPT TO', code: 'EENVELOPE' })).toBe('bounce');
    expect(classifySendError({ responseCode: 451, command: 'RCPT TO', code: 'EENVELOPE' })).toBe('retry');
    expect(classifySendError({ responseCode: 554, command: 'DATA', code: 'EMESSAGE' })).toBe('reject');
    expect(classifySendError({ responseCode: 452, command: 'DATA', code: 'EMESSAGE' })).toBe('retry');
    expect(classifySendError({ responseCode: 535, command: 'AUTH PLAIN', code: 'EAUTH' })).toBe('halt');
    expect(classifySendError({ responseCode: 553, command: 'MAIL FROM', code: 'EENVELOPE' })).toBe('halt');
    expect(classifySendError({ code: 'ECONNECTION', command: 'CONN' })).toBe('halt');
    expect(classifySendError(new Error('socket hang up'))).toBe('halt');
  });
});

describe('header injection', () => {
  it('sends to the one address of the row, with names encoded or dropped, never an injected header', async () => {
    const eve = await makeMember(t.store, { email: 'eve@example.org' });
    const quoted = await makeMember(t.store, { email: 'quoted@example.org', fullname: 'Eve "Q" O’Neil, PhD' });
    // A name with CR/LF cannot be typed in the settings; one in the database anyway must not reach a header.
    await t.store.db.updateTable('users').set({ fullname: 'Eve\r\nBcc: victim@evil.example' }).where('id', '=', eve.id).execute();
    await addSubscribers(t.store, [
      { email: 'eve@example.org', userId: eve.id },
      { email: 'quoted@example.org', userId: quoted.id },
    ]);
    await compose();
    expect((await send()).sent).toBe(2);
    expect(smtp.attempts.sort()).toEqual(['eve@example.org', 'quoted@example.org']);
    for (const r of smtp.received) {
      expect(r.to).toHaveLength(1);
      expect(r.headerNames).not.toContain('bcc');
      expect(r.headerNames.filter((h) => h === 'to')).toHaveLength(1);
    }
    const toEve = await simpleParser((smtp.received.find((r) => r.to[0] === 'eve@example.org') as Received).raw);
    expect(toEve.to && !Array.isArray(toEve.to) ? toEve.to.value : []).toEqual([{ address: 'eve@example.org', name: '' }]);
    const toQuoted = await simpleParser((smtp.received.find((r) => r.to[0] === 'quoted@example.org') as Received).raw);
    expect(toQuoted.to && !Array.isArray(toQuoted.to) ? toQuoted.to.value : []).toEqual([
      { address: 'quoted@example.org', name: 'Eve "Q" O’Neil, PhD' },
    ]);
  });

  it('refuses outbox rows whose address, subject or headers could inject anything', async () => {
    const bad: { to: string; subject: string; headers?: Record<string, string>; toName?: string }[] = [
      { to: 'victim@example.org\r\nBcc: other@example.org', subject: 'hello' },
      { to: 'a@example.org, b@example.org', subject: 'hello' },
      { to: 'Someone <a@example.org>', subject: 'hello' },
      { to: 'ok1@example.org', subject: 'hello\r\nBcc: other@example.org' },
      { to: 'ok2@example.org', subject: 'hello', headers: { Bcc: 'other@example.org' } },
      { to: 'ok3@example.org', subject: 'hello', headers: { 'List-Id': '<x>\r\nBcc: other@example.org' } },
      { to: 'ok4@example.org', subject: 'hello', toName: 'Name\nBcc: other@example.org' },
    ];
    for (const b of bad) await enqueueMail(t.store.db, { ...b, text: 'x', html: '<p>x</p>' });
    await enqueueMail(t.store.db, { to: 'fine@example.org', toName: 'Fine "Name"', subject: 'hello', text: 'x', html: '<p>x</p>' });
    const r = await send();
    expect(r).toMatchObject({ sent: 1, failed: bad.length });
    expect(smtp.received.map((x) => x.to)).toEqual([['fine@example.org']]);
    const failed = await t.store.db.selectFrom('outbox').select(['status', 'last_error']).where('status', '=', 'failed').execute();
    expect(failed).toHaveLength(bad.length);
    expect(failed.every((f) => f.last_error?.startsWith('refused:'))).toBe(true);
  });

  it('refuses a sender address with a line break at start', () => {
    expect(() => loadConfig({}, { mailFrom: 'Folio <papers@example.org>\r\nBcc: x@example.org' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { mailFrom: 'Folio\r\n <papers@example.org>' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { mailFrom: 'not an address' })).toThrow(ConfigError);
    expect(loadConfig({}, { mailFrom: '"Folio, the site" <papers@example.org>' }).mailFrom).toBe('"Folio, the site" <papers@example.org>');
  });
});

describe('concurrency and crashes', () => {
  it('never sends a mail twice with three senders at once', async () => {
    const subs = manySubscribers(150);
    await addSubscribers(t.store, subs);
    await compose();
    const reports = await Promise.all(['a', 'b', 'c'].map((w) => send({ worker: w })));
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(150);
    const { copies } = await expectExactlyOnce(subs.map((s) => s.email));
    expect(copies).toBe(150);
  });

  function childEnv(): NodeJS.ProcessEnv {
    return {
      ...t.env,
      FOLIO_SMTP_URL: smtp.url,
      FOLIO_MAIL_FROM: 'Folio Papers <papers@example.org>',
      FOLIO_BASE_URL: 'https://papers.example.org',
      FOLIO_MAIL_LEASE_SECONDS: '2',
      FOLIO_SMTP_CONNECTIONS: '1',
    };
  }
  const args = ['digest', 'send', '--period', 'daily', '--date', DAY];

  it('delivers to everyone exactly once when the sender is killed while the server holds a message, then restarted', async () => {
    const subs = manySubscribers(40);
    await addSubscribers(t.store, subs);
    const run = startFolio(args, childEnv());
    let seen = 0;
    smtp.beforeAccept = async (): Promise<'accept'> => {
      if (++seen !== 15) return 'accept';
      // The 15th message has been transmitted, but the server has not answered: kill the sender now.
      run.child.kill('SIGKILL');
      await run.done;
      await new Promise((r) => setTimeout(r, 200));
      return 'accept';
    };
    const first = await run.done;
    expect(first.signal).toBe('SIGKILL');
    expect(smtp.received).toHaveLength(14);
    smtp.beforeAccept = undefined;
    const again = await startFolio(args, childEnv()).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 digests queued/);
    const { copies } = await expectExactlyOnce(subs.map((s) => s.email));
    expect(copies).toBe(40);
    const statuses = await t.store.db.selectFrom('outbox').select('status').distinct().execute();
    expect(statuses.map((s) => s.status)).toEqual(['sent']);
  });

  it('sends at most the one message in flight again, with the same Message-ID, when killed right after the server accepted it', async () => {
    const subs = manySubscribers(40);
    await addSubscribers(t.store, subs);
    const run = startFolio(args, childEnv());
    smtp.afterAccept = () => {
      if (smtp.received.length === 15) run.child.kill('SIGKILL');
    };
    await run.done;
    smtp.afterAccept = undefined;
    const again = await startFolio(args, childEnv()).done;
    expect(again.code, again.stderr).toBe(0);
    const { copies } = await expectExactlyOnce(subs.map((s) => s.email));
    // The 15th message is the only one that may have been accepted and not yet marked sent.
    expect(copies === 40 || copies === 41).toBe(true);
    if (copies === 41) {
      const counts = new Map<string, number>();
      for (const r of smtp.received) counts.set(r.to[0] as string, (counts.get(r.to[0] as string) ?? 0) + 1);
      expect([...counts.values()].filter((n) => n > 1)).toEqual([2]);
    }
  });

  it('delivers exactly once when a `folio worker` is killed mid-run and another worker takes over', async () => {
    const subs = manySubscribers(40);
    await addSubscribers(t.store, subs);
    const env = { ...childEnv(), FOLIO_JOB_LEASE_SECONDS: '5', FOLIO_ARXIV_SETS: 'none', FOLIO_DIGEST_TIME: 'off' };
    // The scheduled run of Wednesday 3 June covers Tuesday's list.
    await enqueue(
      t.store.db,
      DIGEST_COMPOSE_JOB,
      { frequency: 'daily' },
      { dueAt: new Date('2026-06-03T07:00:00Z'), uniqueKey: 'digest-daily@test' },
    );
    const first = startFolio(['worker'], env);
    let seen = 0;
    smtp.beforeAccept = async (): Promise<'accept'> => {
      if (++seen !== 10) return 'accept';
      first.child.kill('SIGKILL');
      await first.done;
      await new Promise((r) => setTimeout(r, 200));
      return 'accept';
    };
    await first.done;
    smtp.beforeAccept = undefined;
    expect(smtp.received).toHaveLength(9);
    const second = startFolio(['worker'], env);
    try {
      await smtp.waitFor(40, 60_000);
      await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
    } finally {
      second.child.kill('SIGTERM');
      await second.done;
    }
    const { copies } = await expectExactlyOnce(subs.map((s) => s.email));
    expect(copies).toBe(40);
  }, 120_000);

  it('delivers exactly once across a kill while composing and a kill while sending', async () => {
    const n = 1500;
    const subs = manySubscribers(n);
    await addSubscribers(t.store, subs);
    const until = async (cond: () => Promise<boolean> | boolean) => {
      for (const start = Date.now(); Date.now() - start < 60_000; await new Promise((r) => setTimeout(r, 5))) if (await cond()) return;
      throw new Error('condition not met in time');
    };
    // Kill 1: some batches of the compose committed, not all.
    const first = startFolio(args, childEnv());
    let composed = 0;
    await until(async () => {
      composed = (await countDeliveries(t.store.db, period.id)).deliveries;
      return composed > 0;
    });
    first.child.kill('SIGKILL');
    await first.done;
    const afterKill = (await countDeliveries(t.store.db, period.id)).deliveries;
    expect(afterKill).toBeLessThan(n);
    expect(afterKill % COMPOSE_BATCH).toBe(0); // whole batches only
    // Kill 2: in the middle of sending.
    const second = startFolio(args, childEnv());
    await until(() => smtp.received.length >= 300);
    second.child.kill('SIGKILL');
    await second.done;
    expect(smtp.received.length).toBeLessThan(n);
    const last = await startFolio(args, childEnv()).done;
    expect(last.code, last.stderr).toBe(0);
    expect(await countDeliveries(t.store.db, period.id)).toEqual({ deliveries: n, mails: n });
    const { copies } = await expectExactlyOnce(subs.map((s) => s.email));
    // Only the message in flight at the second kill can have been accepted and not yet marked sent.
    expect(copies === n || copies === n + 1).toBe(true);
  }, 180_000);
});
