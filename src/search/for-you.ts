// "For you": a personal feed learnt from a member's upvotes. As arxiv-sanity-lite does with its tags, a
// linear model is trained per member over the paper representations: here an L2-regularised logistic
// regression on the papers' (smoothed) vectors, the upvoted papers against a fixed random sample of the
// corpus, classes weighted equally. Its weight vector is then a query for the index (maximum inner
// product), so candidates come from the HNSW graph rather than from scoring every paper. Each match is
// explained by the words it shares with the member's upvoted papers (their tf-idf centroid) and by the
// upvoted paper it is closest to.
import { sql } from 'kysely';
import { type PaperView, papersByIds } from '../db/queries/papers.ts';
import { keysOfPapers, paperTexts } from '../db/queries/search-indexes.ts';
import { paperText } from './datasets.ts';
import type { SearchFilters } from './filters.ts';
import { centroid } from './model/corpus-index.ts';
import { rng } from './model/linalg.ts';
import type { SearchService } from './service.ts';
import { dot } from './vectors/vector-index.ts';

/** Below this many upvotes there is no taste to learn yet: the page says how many more are needed. */
export const FOR_YOU_MIN_UPVOTES = 3;
/** The most recent upvotes that train the model (older tastes fade). */
export const FOR_YOU_MAX_POSITIVES = 200;
/** Random papers that stand for "not upvoted": at least this many, and 4 per upvote, at most 1,000. */
export const FOR_YOU_MIN_NEGATIVES = 200;
export const FOR_YOU_NEGATIVES_PER_POSITIVE = 4;
export const FOR_YOU_MAX_NEGATIVES = 1000;
/** L2 penalty of the logistic regression (on the class-averaged loss); keeps weights small with few upvotes. */
export const FOR_YOU_L2 = 0.01;
/** Gradient steps (with momentum) from the Rocchio direction; enough to converge on ≤ 1,200 examples. */
const TRAIN_STEPS = 150;
const LEARNING_RATE = 2;
const MOMENTUM = 0.9;
/** Candidates fetched from the index, before dropping already upvoted papers. */
export const FOR_YOU_CANDIDATES = 200;
/** "Recent": papers published within this many days of the newest paper. */
export const FOR_YOU_RECENT_DAYS = 30;
/** Upvoted papers whose words make the profile that explains matches. */
const PROFILE_PAPERS = 50;
const EXPLAIN_WORDS = 4;
/** Trained models kept in memory (keyed by member, index version and votes). */
const MODEL_CACHE_SIZE = 100;

export interface LinearModel {
  w: Float32Array;
  b: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Logistic regression by gradient descent with momentum, positives and negatives each weighing half
 * of the loss, bias unpenalised; starts from the difference of the class means.
 */
export function trainLogistic(pos: readonly Float32Array[], neg: readonly Float32Array[], l2 = FOR_YOU_L2): LinearModel {
  const d = (pos[0] ?? neg[0])?.length ?? 0;
  const w = new Float64Array(d);
  for (const x of pos) for (let c = 0; c < d; c++) w[c] = (w[c] as number) + (x[c] as number) / pos.length;
  for (const x of neg) for (let c = 0; c < d; c++) w[c] = (w[c] as number) - (x[c] as number) / neg.length;
  let b = 0;
  const vw = new Float64Array(d);
  let vb = 0;
  const g = new Float64Array(d);
  const sets: [readonly Float32Array[], number][] = [
    [pos, 1],
    [neg, 0],
  ];
  for (let step = 0; step < TRAIN_STEPS; step++) {
    g.fill(0);
    let gb = 0;
    for (const [xs, y] of sets) {
      const weight = 0.5 / Math.max(1, xs.length);
      for (const x of xs) {
        let z = b;
        for (let c = 0; c < d; c++) z += (w[c] as number) * (x[c] as number);
        const err = (sigmoid(z) - y) * weight;
        for (let c = 0; c < d; c++) g[c] = (g[c] as number) + err * (x[c] as number);
        gb += err;
      }
    }
    for (let c = 0; c < d; c++) {
      vw[c] = MOMENTUM * (vw[c] as number) - LEARNING_RATE * ((g[c] as number) + l2 * (w[c] as number));
      w[c] = (w[c] as number) + (vw[c] as number);
    }
    vb = MOMENTUM * vb - LEARNING_RATE * gb;
    b += vb;
  }
  return { w: Float32Array.from(w), b };
}

export interface ForYouItem {
  view: PaperView;
  /** The model's probability that the member would upvote it (0-1). */
  score: number;
  /** Words it shares with the member's upvoted papers, weightiest first. */
  words: string[];
  /** The upvoted paper it is closest to. */
  because?: { id: string; title: string };
}

export type ForYouResult =
  | { status: 'no-index' }
  | { status: 'too-few-upvotes'; upvotes: number; needed: number }
  | { status: 'ok'; upvotes: number; items: ForYouItem[]; total: number };

export interface ForYouOptions {
  offset: number;
  limit: number;
  /** Only papers published within FOR_YOU_RECENT_DAYS of the newest paper. */
  recent?: boolean;
  filters?: SearchFilters;
}

interface Trained {
  model: LinearModel;
  positives: { id: string; title: string; vector: Float32Array }[];
  profile: ReturnType<typeof centroid>;
}

const cache = new Map<string, Trained>();

async function upvotes(svc: SearchService, userId: number): Promise<{ id: string; title: string; at: string }[]> {
  return svc.db
    .selectFrom('votes as v')
    .innerJoin('papers as p', 'p.id', 'v.paper_id')
    .select(['p.id', 'p.title', 'v.created_at as at'])
    .where('v.user_id', '=', userId)
    .where('p.hidden', '=', 0)
    .orderBy('v.created_at', 'desc')
    .orderBy('p.id')
    .execute();
}

/** The day FOR_YOU_RECENT_DAYS before the newest paper's publication. */
async function recentFrom(svc: SearchService): Promise<string | undefined> {
  const r = await svc.db
    .selectFrom('papers')
    .select(sql<string | null>`max(published_at)`.as('latest'))
    .where('hidden', '=', 0)
    .executeTakeFirst();
  if (!r?.latest) return undefined;
  return new Date(Date.parse(r.latest) - FOR_YOU_RECENT_DAYS * 86_400_000).toISOString().slice(0, 10);
}

export async function forYou(svc: SearchService, userId: number, o: ForYouOptions): Promise<ForYouResult> {
  const l = await svc.current();
  if (!l) return { status: 'no-index' };
  const votes = await upvotes(svc, userId);
  if (votes.length < FOR_YOU_MIN_UPVOTES) return { status: 'too-few-upvotes', upvotes: votes.length, needed: FOR_YOU_MIN_UPVOTES };

  const cacheKey = `${userId}:${l.id}:${l.revision}:${votes.length}:${votes[0]?.at}:${votes[0]?.id}`;
  let trained = cache.get(cacheKey);
  if (!trained) {
    const recent = votes.slice(0, FOR_YOU_MAX_POSITIVES);
    const keys = await keysOfPapers(
      svc.db,
      l.id,
      recent.map((v) => v.id),
    );
    const posKeys = recent.flatMap((v) => {
      const k = keys.get(v.id);
      return k === undefined ? [] : [{ ...v, key: k }];
    });
    if (posKeys.length < FOR_YOU_MIN_UPVOTES) return { status: 'too-few-upvotes', upvotes: posKeys.length, needed: FOR_YOU_MIN_UPVOTES };
    const posVectors = await l.index.get(posKeys.map((p) => p.key));
    const positives = posKeys.flatMap((p, i) => {
      const vector = posVectors[i];
      return vector ? [{ id: p.id, title: p.title, vector }] : [];
    });
    // The same random "others" for a member until their votes change, so the feed does not reshuffle.
    const r = rng(userId * 7919 + votes.length);
    const taken = new Set(posKeys.map((p) => p.key));
    const wanted = Math.min(FOR_YOU_MAX_NEGATIVES, Math.max(FOR_YOU_MIN_NEGATIVES, FOR_YOU_NEGATIVES_PER_POSITIVE * positives.length));
    const negKeys: number[] = [];
    for (let tries = 0; negKeys.length < wanted && tries < wanted * 4; tries++) {
      const k = Math.floor(r() * l.row.next_key);
      if (!taken.has(k)) {
        taken.add(k);
        negKeys.push(k);
      }
    }
    const negatives = (await l.index.get(negKeys)).filter((v): v is Float32Array => !!v);
    const model = trainLogistic(
      positives.map((p) => p.vector),
      negatives,
    );
    const texts = await paperTexts(
      svc.db,
      positives.slice(0, PROFILE_PAPERS).map((p) => p.id),
    );
    const profile = centroid([...texts.values()].map((t) => l.model.vectorize(paperText(t))));
    trained = { model, positives, profile };
    cache.set(cacheKey, trained);
    if (cache.size > MODEL_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }

  const { model, positives, profile } = trained;
  const norm = Math.sqrt(dot(model.w, model.w)) || 1;
  const direction = Float32Array.from(model.w, (x) => x / norm);
  const from = o.recent ? await recentFrom(svc) : undefined;
  const filter = svc.filter(l, { ...o.filters, ...(from ? { from } : {}) });
  const hits = await l.index.search(direction, FOR_YOU_CANDIDATES + positives.length, filter);
  const ids = await filter.paperIds(hits.map((h) => h.key));
  const voted = new Set(votes.map((v) => v.id));
  const ranked = hits.flatMap((h) => {
    const id = ids.get(h.key);
    return id && !voted.has(id) ? [{ id, key: h.key, score: sigmoid(h.score * norm + model.b) }] : [];
  });
  const page = ranked.slice(o.offset, o.offset + o.limit);
  const vectors = await l.index.get(page.map((p) => p.key));
  const views = new Map(
    (
      await papersByIds(
        svc.db,
        page.map((p) => p.id),
      )
    ).map((v) => [v.paper.id, v]),
  );
  const items = page.flatMap((p, i): ForYouItem[] => {
    const view = views.get(p.id);
    if (!view) return [];
    const words = profile ? l.model.explain(profile, l.model.vectorize(paperText(view.paper)), EXPLAIN_WORDS).map((w) => w.term) : [];
    const v = vectors[i];
    let because: ForYouItem['because'];
    if (v) {
      let best = Number.NEGATIVE_INFINITY;
      for (const q of positives) {
        const s = dot(v, q.vector);
        if (s > best) {
          best = s;
          because = { id: q.id, title: q.title };
        }
      }
    }
    return [{ view, score: p.score, words, ...(because ? { because } : {}) }];
  });
  return { status: 'ok', upvotes: votes.length, items, total: ranked.length };
}
