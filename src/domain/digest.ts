// The digest's rules, as pure functions: which period a run covers, how a period is named, what a
// subscriber's topics may hold and whether a paper matches a category.
//
// The schedule rule (README "Digest and mail"): at FOLIO_DIGEST_TIME in FOLIO_TIMEZONE,
// - the daily digest goes out Monday to Friday and covers the previous list day: the latest day before
//   the local date of the run that has papers on its list (Monday's covers Friday's list when the
//   weekend has none);
// - the weekly digest goes out on Mondays and covers the previous ISO week (Monday to Sunday).
import { UTCDate } from '@date-fns/utc';
import { addDays, getISOWeek, getISOWeekYear } from 'date-fns';
import { type Period, parseDay, parseWeek } from './periods.ts';

export const DIGEST_FREQUENCIES = ['daily', 'weekly'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

/** A subscriber's topics: search queries (the site's search language) and arXiv categories. */
export interface Topics {
  queries: string[];
  categories: string[];
}

export const MAX_TOPIC_QUERIES = 10;
export const MAX_TOPIC_QUERY_CHARS = 100;
export const MAX_TOPIC_CATEGORIES = 20;
/** The longest text the categories and topics fields of a form take (the rules above bound the rest). */
export const MAX_CATEGORIES_FIELD_CHARS = 400;
export const MAX_QUERIES_FIELD_CHARS = 1200;
/** A confirmation link of a visitor's subscription works this long. Unsubscribe links never expire. */
export const SUBSCRIPTION_CONFIRM_HOURS = 48;
/** Papers of a period a digest picks from (topic subscribers get the matching ones among them). */
export const DIGEST_POOL = 500;

/** `cs`, `cs.CL`, `math.AG`, `hep-th`, `astro-ph.GA`, `q-bio.NC`: an archive, or an archive and a class. */
const CATEGORY_RE = /^[a-z][a-z-]{0,15}(?:\.[A-Za-z][A-Za-z-]{0,15})?$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function isFrequency(s: unknown): s is DigestFrequency {
  return s === 'daily' || s === 'weekly';
}

/** What is wrong with each topics field, when something is: one sentence for each, said beside it. */
export interface TopicProblems {
  categories?: string;
  queries?: string;
}

/** How many wrong categories a message names (the field beside it shows them all). */
const NAMED_BAD_CATEGORIES = 3;
const QUOTED_CHARS = 40;
/** A query with no letter or digit matches nothing (the search language only searches words). */
const HAS_WORD = /[\p{L}\p{N}]/u;

/** Cut by code points, so that the quote never ends in half a character. */
const quote = (s: string) => `"${[...s].slice(0, QUOTED_CHARS).join('')}"`;

function categoriesProblem(categories: string[]): string | undefined {
  if (categories.length > MAX_TOPIC_CATEGORIES) return `At most ${MAX_TOPIC_CATEGORIES} categories (you gave ${categories.length}).`;
  const bad = categories.filter((c) => !CATEGORY_RE.test(c));
  if (!bad.length) return undefined;
  const named = bad.slice(0, NAMED_BAD_CATEGORIES).map(quote).join(', ');
  const more = bad.length > NAMED_BAD_CATEGORIES ? ` and ${bad.length - NAMED_BAD_CATEGORIES} more` : '';
  return bad.length === 1
    ? `${named} is not an arXiv category (such as cs.CL, math.AG or hep-th).`
    : `${named}${more} are not arXiv categories (such as cs.CL, math.AG or hep-th).`;
}

function queriesProblem(queries: string[]): string | undefined {
  if (queries.length > MAX_TOPIC_QUERIES) return `At most ${MAX_TOPIC_QUERIES} topics, one search per line (you gave ${queries.length}).`;
  if (queries.some((q) => CONTROL.test(q))) return 'A topic cannot hold control characters.';
  const long = queries.find((q) => q.length > MAX_TOPIC_QUERY_CHARS);
  if (long !== undefined) return `A topic has at most ${MAX_TOPIC_QUERY_CHARS} characters; one has ${long.length}.`;
  const wordless = queries.find((q) => !HAS_WORD.test(q));
  if (wordless !== undefined) return `The topic ${quote(wordless)} has no word to search for.`;
  return undefined;
}

/**
 * Splits the categories field (commas or spaces) and the queries field (one per line), or says what is
 * wrong with each field: both at once, so that nobody corrects one and meets the next.
 */
export function parseTopics(categoriesText: string, queriesText: string): { topics: Topics } | { problems: TopicProblems } {
  const categories = [...new Set(categoriesText.split(/[\s,;]+/).filter(Boolean))];
  const queries = [
    ...new Set(
      queriesText
        .split(/\r?\n/)
        .map((q) => q.replace(/\s+/g, ' ').trim())
        .filter(Boolean),
    ),
  ];
  const problems: TopicProblems = {};
  const c = categoriesProblem(categories);
  const q = queriesProblem(queries);
  if (c) problems.categories = c;
  if (q) problems.queries = q;
  return c || q ? { problems } : { topics: { queries, categories } };
}

/** Why a frequency given by a form is not one (the radios only send these, a crafted post may not). */
export function frequencyProblem(value: string, withOff: boolean): string | null {
  if (isFrequency(value) || (withOff && value === 'off')) return null;
  return withOff ? 'Choose off, daily or weekly.' : 'Choose daily or weekly.';
}

/** What a digest form chose: how often (or off, for members) and the topics. */
export interface DigestChoice {
  frequency: DigestFrequency | 'off';
  topics: Topics;
}

export type DigestChoiceProblems = TopicProblems & { frequency?: string };

/** The digest fields of a form as typed, checked together: the choice, or every field's problem. */
export function digestChoice(
  v: { frequency: string; categories: string; queries: string },
  withOff: boolean,
): { choice: DigestChoice } | { problems: DigestChoiceProblems } {
  const frequency = frequencyProblem(v.frequency, withOff);
  const t = parseTopics(v.categories, v.queries);
  if (!frequency && 'topics' in t) return { choice: { frequency: v.frequency as DigestFrequency | 'off', topics: t.topics } };
  return { problems: { ...(frequency ? { frequency } : {}), ...('problems' in t ? t.problems : {}) } };
}

export function hasTopics(t: Topics): boolean {
  return t.queries.length > 0 || t.categories.length > 0;
}

/** A stable key for a set of topics (subscribers with the same topics share one selection). */
export function topicsKey(t: Topics): string {
  return JSON.stringify([[...t.categories].sort(), [...t.queries].sort()]);
}

/** `cs.CL` matches cs.CL; `cs` matches every cs.* category (and a bare `cs`). Case of the archive ignored. */
export function categoryMatches(topic: string, paperCategories: readonly string[]): boolean {
  const t = topic.toLowerCase();
  return paperCategories.some((c) => {
    const p = c.toLowerCase();
    return p === t || (!t.includes('.') && p.startsWith(`${t}.`));
  });
}

/** The period a digest covers: `daily:2026-06-02` (a list day) or `weekly:2026-W23` (an ISO week). */
export interface DigestPeriod extends Period {
  frequency: DigestFrequency;
  /** `daily:2026-06-02`, `weekly:2026-W23`. */
  id: string;
}

export function digestPeriod(frequency: DigestFrequency, key: string): DigestPeriod | null {
  if (frequency === 'daily') {
    const day = parseDay(key);
    if (!day) return null;
    const next = new UTCDate(Date.parse(`${day}T00:00:00Z`));
    return { kind: 'day', key: day, start: day, end: dayOf(addDays(next, 1)), frequency, id: `daily:${day}` };
  }
  const week = parseWeek(key);
  return week ? { ...week, frequency, id: `weekly:${week.key}` } : null;
}

/** Parses `daily:YYYY-MM-DD` or `weekly:YYYY-Www`. */
export function parseDigestPeriodId(id: unknown): DigestPeriod | null {
  if (typeof id !== 'string') return null;
  const m = /^(daily|weekly):(.+)$/.exec(id);
  if (!m) return null;
  return digestPeriod(m[1] as DigestFrequency, m[2] as string);
}

function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The calendar date (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDay(instant: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    instant,
  );
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The ISO week before the one holding `day`: what Monday's weekly digest covers. */
export function previousWeekKey(day: string): string {
  const d = addDays(new UTCDate(Date.parse(`${day}T00:00:00Z`)), -7);
  return `${getISOWeekYear(d)}-W${String(getISOWeek(d)).padStart(2, '0')}`;
}

/** The ISO week holding `day`. */
export function weekKeyOfDay(day: string): string {
  const d = new UTCDate(Date.parse(`${day}T00:00:00Z`));
  return `${getISOWeekYear(d)}-W${String(getISOWeek(d)).padStart(2, '0')}`;
}

/** Cron expressions of the two digests at `HH:MM` (in the schedule's time zone). */
export function digestCron(time: string, frequency: DigestFrequency): string {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return frequency === 'daily' ? `${m} ${h} * * 1-5` : `${m} ${h} * * 1`;
}

/** A deterministic Message-ID for a subscriber's digest of a period: a resent copy carries the same one. */
export function digestMessageId(period: DigestPeriod, subscriptionId: number, domain: string): string {
  return `<digest.${period.frequency}.${period.key}.${subscriptionId}@${domain}>`;
}
