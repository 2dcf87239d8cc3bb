// `folio digest send --period daily|weekly [--date YYYY-MM-DD] [--dry-run] [--to EMAIL]`: composes a
// period's digests and sends them now, printing one line per mail (the scheduled job does the same
// without the printing). Safe to run again, or beside the workers: what was sent is not sent twice.
// `folio digest preview [...] [--out FILE]`: renders one digest to FILE (.html, .txt or .eml).
// `folio digest unsubscribe EMAIL`: for mailto: unsubscribe requests that reach the sender's mailbox.
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, Option } from 'commander';
import { composeDigests, digestRenderer, periodPapers, TopicSelector } from '../actions/compose-digests.ts';
import { unsubscribe } from '../actions/digest-subscriptions.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openStore, type Store } from '../db/connection.ts';
import { previousListDay, type Recipient, siteSecret, subscriptionByEmail } from '../db/queries/digests.ts';
import { type DigestFrequency, type DigestPeriod, digestPeriod, localDay, previousWeekKey, weekKeyOfDay } from '../domain/digest.ts';
import { parseDay } from '../domain/periods.ts';
import { MailAddressError, senderDomain, senderMailbox, strictAddress } from '../email/address.ts';
import { digestMail } from '../email/digest-mail.ts';
import { enqueueMail, getMail } from '../email/outbox.ts';
import { type MailOutcome, type SendReport, sendDueMails } from '../email/sender.ts';
import { buildMessage, renderMessage, transportFor } from '../email/transport.ts';
import { senderId } from '../jobs/digest-jobs.ts';

/** sysexits' EX_TEMPFAIL: some mails wait for a retry (the worker sends them later). */
const EXIT_TEMPFAIL = 75;
/** Kinds the command sends (the worker sends every kind). */
const KINDS = ['digest', 'test'];

interface PeriodOpts {
  period: DigestFrequency;
  date?: string;
}

async function choosePeriod(store: Store, timezone: string, o: PeriodOpts): Promise<DigestPeriod> {
  if (o.date !== undefined && !parseDay(o.date)) throw new ConfigError(`--date: expected a day YYYY-MM-DD, got "${o.date}"`);
  const today = localDay(new Date(), timezone);
  if (o.period === 'weekly') return digestPeriod('weekly', o.date ? weekKeyOfDay(o.date) : previousWeekKey(today)) as DigestPeriod;
  const day = o.date ?? (await previousListDay(store.db, today));
  if (!day) throw new ConfigError('no list day before today: give one with --date');
  return digestPeriod('daily', day) as DigestPeriod;
}

function address(raw: string): string {
  try {
    return strictAddress(raw);
  } catch (e) {
    if (e instanceof MailAddressError) throw new ConfigError(`--to: ${e.message}`);
    throw e;
  }
}

const say = (s: string) => process.stdout.write(`${s}\n`);
const papersWord = (n: number) => `${n} paper${n === 1 ? '' : 's'}`;

/** Sends what is due (digest and test mails), waiting for mails a dead sender still holds (its lease). */
async function sendAll(store: Store, config: ReturnType<typeof loadConfig>): Promise<SendReport> {
  const transport = transportFor(config);
  const total: SendReport = { sent: 0, retry: 0, bounced: 0, failed: 0, suppressed: 0 };
  const worker = senderId('cli');
  const print = (m: { to: string; subject: string }, outcome: MailOutcome, detail?: string) => {
    if (outcome === 'lost') return;
    say(`${outcome.padEnd(10)} ${m.to}  ${detail ?? m.subject}`);
  };
  // The longest we wait for a dead sender's lease: one lease and a little.
  const deadline = Date.now() + (config.mailLeaseSeconds + 5) * 1000;
  try {
    for (;;) {
      const r = await sendDueMails({ db: store.db, config, transport, worker, kinds: KINDS, onMail: print });
      total.sent += r.sent;
      total.retry += r.retry;
      total.bounced += r.bounced;
      total.failed += r.failed;
      total.suppressed += r.suppressed;
      if (r.halted) {
        total.halted = r.halted;
        break;
      }
      const held = await store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.min('locked_until').as('t'))
        .where('status', '=', 'sending')
        .where('kind', 'in', KINDS)
        .executeTakeFirst();
      if (!held?.t || Date.now() > deadline) break;
      const wait = Math.max(100, Math.min(deadline - Date.now(), Date.parse(held.t) - Date.now() + 100));
      say(`waiting ${Math.ceil(wait / 1000)} s for mails another sender holds (its lease runs out then)`);
      await sleep(wait);
    }
  } finally {
    transport.close();
  }
  return total;
}

export function registerDigestCommands(cli: Command): void {
  const digest = cli.command('digest').description('the digest of trending papers by mail');
  const periodOption = () =>
    new Option('--period <period>', 'daily (one list day) or weekly (an ISO week)').choices(['daily', 'weekly']).makeOptionMandatory();

  digest
    .command('send')
    .description("compose a period's digests and send them now (what was sent is never sent again)")
    .addOption(periodOption())
    .option('--date <day>', 'daily: that list day; weekly: the week holding that day (default: the previous list day / ISO week)')
    .option('--dry-run', 'print what would be sent; write and send nothing')
    .option('--to <email>', 'only this subscriber (an address that is not one gets a test copy, not recorded)')
    .action(async (opts: PeriodOpts & { dryRun?: boolean; to?: string }) => {
      const config = loadConfig();
      const to = opts.to === undefined ? undefined : address(opts.to);
      const store = await openStore(config.dataDir, config.databaseUrl);
      try {
        const period = await choosePeriod(store, config.timezone, opts);
        const sub = to ? await subscriptionByEmail(store.db, to) : undefined;
        if (to && !(sub && sub.status === 'active' && sub.frequency === opts.period)) {
          await testCopy(store, config, period, to, !!opts.dryRun);
        } else {
          const r = await composeDigests({
            db: store.db,
            config,
            period,
            ...(opts.dryRun ? { dryRun: true } : {}),
            ...(to ? { onlyEmail: to } : {}),
            onDigest: (d) => {
              if (opts.dryRun)
                say(
                  d.papers
                    ? `would send ${d.email}  ${papersWord(d.papers)}  ${d.subject}`
                    : `no match   ${d.email}  (no paper on their topics)`,
                );
              else if (!d.papers) say(`no match   ${d.email}  (no paper on their topics: nothing sent)`);
            },
          });
          if (!r.papers) {
            say(`${period.id}: no papers on the list; nothing to send`);
            return;
          }
          say(
            `${period.id}: ${r.queued} digest${r.queued === 1 ? '' : 's'} ${opts.dryRun ? 'to queue' : 'queued'}, ${r.empty} without matching papers (${papersWord(r.papers)} in the period; subscribers done before are skipped)`,
          );
        }
        if (opts.dryRun) return;
        const s = await sendAll(store, config);
        say(
          `sent ${s.sent} (${config.smtpUrl ? 'SMTP' : `outbox: ${config.dataDir}/outbox`}), ${s.retry} to retry, ${s.bounced} bounced, ${s.failed} failed, ${s.suppressed} suppressed${s.halted ? `; stopped: ${s.halted}` : ''}`,
        );
        if (s.retry || s.halted) process.exitCode = EXIT_TEMPFAIL;
      } finally {
        await store.close();
      }
    });

  digest
    .command('preview')
    .description('render one digest to a file (.html, .txt or .eml) without sending anything')
    .addOption(periodOption().default('daily').makeOptionMandatory(false))
    .option('--date <day>', 'daily: that list day; weekly: the week holding that day')
    .option('--to <email>', 'a subscriber whose topics to use (default: no topics)')
    .option('--out <file>', 'where to write it: .html, .txt or .eml', 'digest-preview.html')
    .action(async (opts: PeriodOpts & { to?: string; out: string }) => {
      const config = loadConfig();
      if (!/\.(html?|txt|eml)$/i.test(opts.out)) throw new ConfigError('--out: name a .html, .txt or .eml file');
      const to = opts.to === undefined ? undefined : address(opts.to);
      const store = await openStore(config.dataDir, config.databaseUrl);
      try {
        const period = await choosePeriod(store, config.timezone, opts);
        const pool = await periodPapers(store.db, period, config.digestRank);
        if (!pool.length) throw new ConfigError(`${period.id}: no papers on the list`);
        const sub = to ? await subscriptionByEmail(store.db, to) : undefined;
        const r: Recipient = {
          id: sub?.id ?? 1,
          email: to ?? 'reader@example.org',
          name: null,
          isMember: sub?.userId != null,
          topics: sub?.topics ?? { queries: [], categories: [] },
        };
        const papers = await new TopicSelector(store.db, pool, config.digestPapers).select(r.topics);
        if (!papers.length) throw new ConfigError(`${period.id}: no paper matches the topics of ${r.email}`);
        const out = digestRenderer(config, await siteSecret(store.db), period, pool.length).render(r, papers);
        let bytes: string | Buffer = out.mail.html;
        if (/\.txt$/i.test(opts.out)) bytes = out.mail.text;
        if (/\.eml$/i.test(opts.out)) {
          const mail = {
            id: 0,
            to: r.email,
            toName: null,
            subject: out.mail.subject,
            text: out.mail.text,
            html: out.mail.html,
            headers: out.headers,
            messageId: out.messageId,
          };
          bytes = await renderMessage(
            buildMessage(
              {
                ...mail,
                kind: 'digest',
                status: 'pending',
                createdAt: new Date().toISOString(),
                sentAt: null,
                attempts: 0,
                lastError: null,
                nextAttemptAt: null,
                deliveredVia: null,
              },
              senderMailbox(config),
              senderDomain(config),
            ),
          );
        }
        writeFileSync(opts.out, bytes);
        say(`wrote ${opts.out}: "${out.mail.subject}", ${papersWord(papers.length)}`);
      } finally {
        await store.close();
      }
    });

  digest
    .command('unsubscribe')
    .description('unsubscribe an address (for mailto: unsubscribe requests)')
    .argument('<email>', 'the address')
    .action(async (raw: string) => {
      const config = loadConfig();
      const email = address(raw);
      const store = await openStore(config.dataDir, config.databaseUrl);
      try {
        const sub = await subscriptionByEmail(store.db, email);
        if (!sub) throw new ConfigError(`${email} is not subscribed`);
        await unsubscribe({ db: store.db, subscriptionId: sub.id });
        say(`unsubscribed ${email}`);
      } finally {
        await store.close();
      }
    });
}

/** A one-off copy for an address that is not a subscriber (not recorded: it may be sent again). */
async function testCopy(
  store: Store,
  config: ReturnType<typeof loadConfig>,
  period: DigestPeriod,
  to: string,
  dryRun: boolean,
): Promise<void> {
  const pool = await periodPapers(store.db, period, config.digestRank);
  if (!pool.length) throw new ConfigError(`${period.id}: no papers on the list; nothing to send`);
  const papers = await new TopicSelector(store.db, pool, config.digestPapers).select({ queries: [], categories: [] });
  const mail = digestMail({
    siteName: config.siteName,
    baseUrl: config.baseUrl,
    period,
    papers,
    totalInPeriod: pool.length,
    rank: config.digestRank,
    topics: { queries: [], categories: [] },
    recipient: to,
    isMember: false,
    unsubscribeUrl: `${config.baseUrl}/subscribe`,
    manageUrl: `${config.baseUrl}/subscribe`,
  });
  say(`${to} is not an active ${period.frequency} subscriber: ${dryRun ? 'would send' : 'sending'} a test copy (not recorded)`);
  if (dryRun) {
    say(`would send ${to}  ${papersWord(papers.length)}  [test] ${mail.subject}`);
    return;
  }
  const id = await enqueueMail(
    store.db,
    {
      to,
      subject: `[test] ${mail.subject}`,
      text: mail.text,
      html: mail.html,
      headers: { 'Auto-Submitted': 'auto-generated' },
      kind: 'test',
    },
    undefined,
    { wake: false },
  );
  if (!(await getMail(store.db, id))) throw new Error('test copy not queued');
}
