// Composing a period's digests: for every active subscriber of the frequency, in one transaction per
// batch, a `digest_deliveries` row (primary key: subscriber + period) and the mail in the outbox. A run
// that dies half-way has committed whole batches only; running it again skips the subscribers done
// (their delivery row exists) and does the rest: no one is skipped, no one gets two. Two composers at
// once cannot both write a subscriber's row: the loser of the insert drops its mail in its transaction.
//
// Topics: a subscriber with topics gets the papers of the period that match any of them (a category,
// or a search query, matched with the site's keyword search), in the period's order. When none matches,
// no mail is sent (an empty digest is noise) and the delivery row records 0 papers, so a later run does
// not reconsider them for that period.
import { setImmediate } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import { nextRecipients, type Recipient, siteSecret } from '../db/queries/digests.ts';
import { type EntryView, listEntries } from '../db/queries/papers.ts';
import type { Database } from '../db/schema.ts';
import { categoryMatches, DIGEST_POOL, type DigestPeriod, digestMessageId, hasTopics, type Topics, topicsKey } from '../domain/digest.ts';
import { displayName, senderDomain, senderMailbox } from '../email/address.ts';
import { type DigestMail, type DigestPaper, digestMail, digestPaperOf } from '../email/digest-mail.ts';
import { enqueueMail, wakeSender } from '../email/outbox.ts';
import { keywordScoresAmong } from '../search/keyword/fts.ts';
import { parseQuery } from '../search/keyword/query.ts';
import { unsubscribeToken } from '../security/signed-links.ts';

/** Subscribers per transaction: big enough to be quick, small enough that a crash redoes little. */
export const COMPOSE_BATCH = 200;

type DigestConfig = Pick<Config, 'siteName' | 'baseUrl' | 'mailFrom' | 'digestPapers' | 'digestRank'>;

export interface ComposeProps {
  db: Kysely<Database>;
  config: DigestConfig;
  period: DigestPeriod;
  now?: Date;
  batchSize?: number;
  /** Write nothing; report what would be queued. */
  dryRun?: boolean;
  /** Only this subscriber (an address). */
  onlyEmail?: string;
  /** Queues a sender job after the first batch under this key (the worker); the CLI sends itself. */
  wakeKey?: string;
  onDigest?: (d: { email: string; papers: number; outboxId: number | null; subject: string }) => void;
}

export interface ComposeReport {
  period: string;
  /** Papers on the period's list (up to DIGEST_POOL). */
  papers: number;
  queued: number;
  /** Subscribers whose topics matched nothing this period (no mail). */
  empty: number;
  /** Subscribers another composer did at the same time. */
  raced: number;
}

/** The period's papers, ranked as the digest ranks them. */
export async function periodPapers(db: Kysely<Database>, period: DigestPeriod, rank: 'trending' | 'upvotes'): Promise<EntryView[]> {
  return listEntries(db, { start: period.start, end: period.end, sort: rank === 'trending' ? 'trending' : 'upvotes', limit: DIGEST_POOL });
}

/** Picks each distinct set of topics' papers once per run, however many subscribers share it. */
export class TopicSelector {
  private readonly byQuery = new Map<string, Promise<Set<string>>>();
  private readonly byTopics = new Map<string, Promise<DigestPaper[]>>();
  private readonly ids: string[];
  private readonly papers: DigestPaper[];
  private readonly categories: Map<string, string[]>;

  constructor(
    private readonly db: Kysely<Database>,
    pool: EntryView[],
    private readonly limit: number,
  ) {
    this.ids = pool.map((v) => v.paper.id);
    this.papers = pool.map(digestPaperOf);
    this.categories = new Map(pool.map((v) => [v.paper.id, safeList(v.paper.categories)]));
  }

  select(t: Topics): Promise<DigestPaper[]> {
    const key = topicsKey(t);
    let found = this.byTopics.get(key);
    if (!found) {
      found = this.compute(t);
      this.byTopics.set(key, found);
    }
    return found;
  }

  private async compute(t: Topics): Promise<DigestPaper[]> {
    if (!hasTopics(t)) return this.papers.slice(0, this.limit);
    const keep = new Set<string>();
    for (const id of this.ids) if (t.categories.some((c) => categoryMatches(c, this.categories.get(id) ?? []))) keep.add(id);
    for (const q of t.queries) for (const id of await this.matching(q)) keep.add(id);
    return this.papers.filter((p) => keep.has(p.id)).slice(0, this.limit);
  }

  private matching(q: string): Promise<Set<string>> {
    let m = this.byQuery.get(q);
    if (!m) {
      const parsed = parseQuery(q);
      m = parsed.problem ? Promise.resolve(new Set()) : keywordScoresAmong(this.db, parsed, 'AND', this.ids).then((r) => new Set(r.ids));
      this.byQuery.set(q, m);
    }
    return m;
  }
}

/** A display name the sender will accept, or none (a name with control characters is dropped, not sent). */
function safeName(name: string | null): string | null {
  try {
    return displayName(name) ?? null;
  } catch {
    return null;
  }
}

function safeList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

export interface DigestRenderer {
  render(r: Recipient, papers: DigestPaper[]): { mail: DigestMail; headers: Record<string, string>; messageId: string };
}

/** Renders a subscriber's mail with its signed unsubscribe links and List-* headers (RFC 2369, RFC 8058). */
export function digestRenderer(config: DigestConfig, secret: string, period: DigestPeriod, totalInPeriod: number): DigestRenderer {
  const domain = senderDomain(config);
  const unsubscribeMailbox = senderMailbox(config).address;
  return {
    render(r, papers) {
      const token = unsubscribeToken(secret, r.id);
      const unsubscribeUrl = `${config.baseUrl}/unsubscribe/${token}`;
      const mail = digestMail({
        siteName: config.siteName,
        baseUrl: config.baseUrl,
        period,
        papers,
        totalInPeriod,
        rank: config.digestRank,
        topics: r.topics,
        recipient: r.email,
        isMember: r.isMember,
        unsubscribeUrl,
        manageUrl: r.isMember ? `${config.baseUrl}/settings#digest` : `${config.baseUrl}/subscribe`,
      });
      const headers = {
        'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${unsubscribeMailbox}?subject=unsubscribe%20${token}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': `<${period.frequency}-digest.${domain}>`,
        'Auto-Submitted': 'auto-generated',
      };
      return { mail, headers, messageId: digestMessageId(period, r.id, domain) };
    },
  };
}

export async function composeDigests(p: ComposeProps): Promise<ComposeReport> {
  const db = p.db;
  const now = (p.now ?? new Date()).toISOString();
  const report: ComposeReport = { period: p.period.id, papers: 0, queued: 0, empty: 0, raced: 0 };
  const pool = await periodPapers(db, p.period, p.config.digestRank);
  report.papers = pool.length;
  // No list for the period (yet): nothing is recorded, so a run after a late import still sends it.
  if (!pool.length) return report;
  const selector = new TopicSelector(db, pool, p.config.digestPapers);
  const renderer = digestRenderer(p.config, await siteSecret(db), p.period, pool.length);
  const batchSize = p.batchSize ?? COMPOSE_BATCH;
  let afterId = 0;
  let woken = false;

  for (;;) {
    const { recipients, lastId } = await nextRecipients(db, {
      frequency: p.period.frequency,
      period: p.period.id,
      afterId,
      limit: batchSize,
      ...(p.onlyEmail ? { email: p.onlyEmail } : {}),
    });
    if (lastId === null) break;
    afterId = lastId;
    // Selection and rendering happen before the transaction opens: it only writes.
    const work = await Promise.all(
      recipients.map(async (r) => {
        const papers = await selector.select(r.topics);
        return { r, papers, out: papers.length ? renderer.render(r, papers) : undefined };
      }),
    );
    if (p.dryRun) {
      for (const w of work) {
        if (w.out) report.queued++;
        else report.empty++;
        p.onDigest?.({ email: w.r.email, papers: w.papers.length, outboxId: null, subject: w.out?.mail.subject ?? '' });
      }
      continue;
    }
    const done: { email: string; papers: number; outboxId: number | null; subject: string }[] = [];
    await db.transaction().execute(async (trx) => {
      for (const w of work) {
        let outboxId: number | null = null;
        if (w.out) {
          const { mail, headers, messageId } = w.out;
          outboxId = await enqueueMail(
            trx,
            {
              to: w.r.email,
              toName: safeName(w.r.name),
              subject: mail.subject,
              text: mail.text,
              html: mail.html,
              headers,
              kind: 'digest',
              messageId,
            },
            now,
            { wake: false },
          );
        }
        const inserted = await trx
          .insertInto('digest_deliveries')
          .values({ subscription_id: w.r.id, period: p.period.id, outbox_id: outboxId, papers: w.papers.length, created_at: now })
          .onConflict((oc) => oc.columns(['subscription_id', 'period']).doNothing())
          .returning('subscription_id')
          .executeTakeFirst();
        if (!inserted) {
          // Another composer did this subscriber a moment ago: its mail stands, this one goes.
          if (outboxId !== null) await trx.deleteFrom('outbox').where('id', '=', outboxId).execute();
          report.raced++;
          continue;
        }
        done.push({ email: w.r.email, papers: w.papers.length, outboxId, subject: w.out?.mail.subject ?? '' });
      }
      if (p.wakeKey && !woken && done.some((d) => d.outboxId !== null)) await wakeSender(trx, p.wakeKey);
    });
    for (const d of done) {
      if (d.outboxId !== null) {
        report.queued++;
        woken = woken || !!p.wakeKey;
      } else report.empty++;
      p.onDigest?.(d);
    }
    // Let the event loop run between batches: on SQLite every query is synchronous, and a worker may
    // share its process with the web server, which must keep answering while 10,000 digests are made.
    await setImmediate();
  }
  // A sender that finished before the last batch committed (on another worker) is woken again.
  if (p.wakeKey && report.queued) await wakeSender(db, `${p.wakeKey}:end`);
  return report;
}
