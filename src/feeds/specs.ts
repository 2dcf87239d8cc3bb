// Which papers each feed carries. Every item's key names the place the paper holds (a day, a week, a
// month), so that it stays the same item whatever else changes in the feed.
import type { Kysely } from 'kysely';
import { type EntryView, latestListDay, listEntries, listPapersWhere, listTrending, type PaperView } from '../db/queries/papers.ts';
import type { Database } from '../db/schema.ts';
import { dayString, type Period, periodContaining } from '../domain/periods.ts';
import { keywordSearch } from '../search/keyword/fts.ts';
import type { ParsedQuery } from '../search/keyword/query.ts';
import type { FeedItem, FeedSpec } from './build.ts';

/** How far back the list feeds reach, and how many papers each period contributes. */
export const DAILY_FEED_DAYS = 7;
export const PERIOD_FEED_COUNT = 4; // weeks or months
export const TOP_PER_WEEK = 10;
export const TOP_PER_MONTH = 20;
export const FEED_ITEMS = 50;

function entryItem(e: EntryView, key: string): FeedItem {
  return { view: e, key: `${key}/${e.paper.id}`, date: new Date(e.entry.added_at) };
}

function paperItem(v: PaperView, key: string): FeedItem {
  return { view: v, key, date: new Date(v.paper.published_at ?? v.paper.created_at) };
}

function shift(day: string, days: number): string {
  return dayString(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

export async function dailyFeed(db: Kysely<Database>): Promise<FeedSpec> {
  const latest = await latestListDay(db);
  const items: FeedItem[] = [];
  if (latest) {
    const entries = await listEntries(db, { start: shift(latest, 1 - DAILY_FEED_DAYS), end: shift(latest, 1), limit: 500 });
    // listEntries keeps one entry per paper (its first in the window); order newest day first.
    entries.sort((a, b) => (a.entry.day < b.entry.day ? 1 : a.entry.day > b.entry.day ? -1 : 0));
    for (const e of entries) items.push(entryItem(e, e.entry.day));
  }
  return { path: '/feeds/daily', pagePath: '/papers', title: 'Daily papers', description: 'The papers of each day’s list.', items };
}

export async function periodFeed(db: Kysely<Database>, kind: 'week' | 'month'): Promise<FeedSpec> {
  const latest = await latestListDay(db);
  const items: FeedItem[] = [];
  if (latest) {
    let period: Period = periodContaining(kind, latest);
    for (let i = 0; i < PERIOD_FEED_COUNT; i++) {
      const top = await listEntries(db, { start: period.start, end: period.end, limit: kind === 'week' ? TOP_PER_WEEK : TOP_PER_MONTH });
      for (const e of top) items.push({ ...entryItem(e, period.key), date: new Date(`${period.end}T00:00:00Z`) });
      period = periodContaining(kind, shift(period.start, -1));
    }
  }
  const word = kind === 'week' ? 'week' : 'month';
  return {
    path: kind === 'week' ? '/feeds/weekly' : '/feeds/monthly',
    pagePath: kind === 'week' ? '/papers/week' : '/papers/month',
    title: kind === 'week' ? 'Top papers of the week' : 'Top papers of the month',
    description: `The most upvoted papers of each ${word}.`,
    items,
  };
}

export async function trendingFeed(db: Kysely<Database>): Promise<FeedSpec> {
  const top = await listTrending(db, { limit: FEED_ITEMS });
  return {
    path: '/feeds/trending',
    pagePath: '/papers/trending',
    title: 'Trending papers',
    description: 'Papers ranked by the published trending score (upvotes, comments and stars over age).',
    items: top.map((v) => ({ ...paperItem(v, v.paper.id), date: new Date(v.paper.changed_at) })),
  };
}

export async function orgFeed(db: Kysely<Database>, org: { id: number; name: string; fullname: string | null }): Promise<FeedSpec> {
  const papers = await listPapersWhere(db, { organizationId: org.id }, { limit: FEED_ITEMS });
  const slug = encodeURIComponent(org.name);
  return {
    path: `/feeds/orgs/${slug}`,
    pagePath: `/orgs/${slug}`,
    title: `Papers of ${org.fullname ?? org.name}`,
    description: `New papers from ${org.fullname ?? org.name}.`,
    items: papers.map((v) => paperItem(v, v.paper.id)),
  };
}

export async function authorFeed(db: Kysely<Database>, name: string): Promise<FeedSpec | null> {
  const papers = await listPapersWhere(db, { authorName: name }, { limit: FEED_ITEMS });
  if (!papers.length) return null;
  const slug = encodeURIComponent(name);
  return {
    path: `/feeds/authors/${slug}`,
    pagePath: `/authors/${slug}`,
    title: `Papers by ${name}`,
    description: `New papers by ${name}.`,
    items: papers.map((v) => paperItem(v, v.paper.id)),
  };
}

export async function searchFeed(
  db: Kysely<Database>,
  q: ParsedQuery,
  raw: string,
  hydrate: (ids: string[]) => Promise<PaperView[]>,
): Promise<FeedSpec> {
  const ranked = await keywordSearch(db, q, {}, FEED_ITEMS);
  const views = await hydrate(ranked.ids);
  // A search feed tells what is new: newest matching papers first.
  views.sort((a, b) => ((a.paper.published_at ?? '') < (b.paper.published_at ?? '') ? 1 : -1));
  const qs = encodeURIComponent(raw);
  return {
    path: '/feeds/search',
    query: `q=${qs}`,
    pagePath: `/search?q=${qs}`,
    title: `Papers matching “${raw}”`,
    description: `New papers matching the search “${raw}”.`,
    items: views.map((v) => paperItem(v, v.paper.id)),
  };
}
