// Factories for digest tests: a day's list of papers, subscribers made straight in the store (many at
// once, in one statement per chunk), and the settings a digest test runs with.
import type { Config } from '../../src/config.ts';
import type { Store } from '../../src/db/connection.ts';
import { storeBatch } from '../../src/db/queries/store-papers.ts';
import type { DigestFrequency, SubscriptionStatus } from '../../src/db/schema.ts';

/** A Tuesday: its daily digest goes out on Wednesday; its week (2026-W23) on the Monday after. */
export const DAY = '2026-06-02';

export interface PaperSpec {
  id: string;
  title?: string;
  abstract?: string;
  categories?: string[];
  upvotes?: number;
  githubRepo?: string;
  githubStars?: number;
  organization?: string;
  authors?: string[];
  summary?: string;
}

/** Stores papers on `day`'s list. */
export async function listPapers(store: Store, day: string, papers: PaperSpec[]): Promise<void> {
  await storeBatch(store.db, {
    papers: papers.map((p) => ({
      id: p.id,
      title: p.title ?? `Paper ${p.id}`,
      abstract: p.abstract ?? `The abstract of paper ${p.id}, which studies something worth reading about.`,
      authors: (p.authors ?? ['Ada Lovelace', 'Alan Turing']).map((name) => ({ name })),
      publishedAt: `${day}T00:00:00.000Z`,
      categories: p.categories ?? ['cs.LG'],
      primaryCategory: (p.categories ?? ['cs.LG'])[0] as string,
      stamp: '2026-01-01',
      community: {
        upvotes: p.upvotes ?? 1,
        ...(p.githubRepo ? { githubRepo: p.githubRepo, githubStars: p.githubStars ?? 0 } : {}),
        ...(p.organization ? { organization: { name: p.organization, fullname: p.organization } } : {}),
        ...(p.summary ? { aiSummary: p.summary } : {}),
      },
    })),
    entries: papers.map((p, i) => ({ paperId: p.id, day, addedAt: `${day}T08:${String(i % 60).padStart(2, '0')}:00.000Z` })),
  });
}

export interface SubscriberSpec {
  email: string;
  frequency?: DigestFrequency;
  status?: SubscriptionStatus;
  queries?: string[];
  categories?: string[];
  userId?: number | null;
}

/** Inserts subscribers (chunked); returns their ids in order. */
export async function addSubscribers(store: Store, subs: SubscriberSpec[]): Promise<number[]> {
  const now = new Date().toISOString();
  const ids: number[] = [];
  for (let i = 0; i < subs.length; i += 500) {
    const rows = await store.db
      .insertInto('digest_subscriptions')
      .values(
        subs.slice(i, i + 500).map((s) => ({
          email: s.email,
          user_id: s.userId ?? null,
          frequency: s.frequency ?? 'daily',
          queries: JSON.stringify(s.queries ?? []),
          categories: JSON.stringify(s.categories ?? []),
          status: s.status ?? 'active',
          requested_frequency: null,
          requested_queries: null,
          requested_categories: null,
          requested_at: null,
          created_at: now,
          confirmed_at: now,
          unsubscribed_at: null,
          updated_at: now,
        })),
      )
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

export function manySubscribers(n: number, prefix = 'reader'): SubscriberSpec[] {
  return Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@example.org` }));
}

/** Settings for digest tests: a fixed sender, quick leases. */
export function digestSettings(extra: Partial<Record<keyof Config, unknown>> = {}): Partial<Record<keyof Config, unknown>> {
  return { baseUrl: 'https://papers.example.org', mailFrom: 'Folio Papers <papers@example.org>', mailLeaseSeconds: '2', ...extra };
}
