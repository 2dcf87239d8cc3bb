// `/search` (page), `/search/results` (its results part, for searching while typing) and
// `GET /api/papers/search?q=&limit=` (Hugging Face compatible). Any query is accepted: it is parsed
// by Folio's own small language (search/keyword/query.ts), never handed raw to an engine, so odd
// input gets results or a clear message. The page ignores bad filter values and says so; the API,
// whose callers are programs, answers them with 400.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { parseDay } from '../../domain/periods.ts';
import type { SearchFilters } from '../../search/filters.ts';
import { MAX_QUERY_CHARS, MAX_TERMS, parseQuery } from '../../search/keyword/query.ts';
import { SEARCH_MODES, type SearchMode, search } from '../../search/search.ts';
import { searchService } from '../../search/service.ts';
import { htmlResponse, jsonResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import { intParam, type Query, single, withParam } from '../params.ts';
import { presentSearchItem } from '../presenters/search.ts';
import { type CategoryOption, renderResults, renderSearchPage, type SearchPageData } from '../views/search-page.ts';

/** Results per page of /search. */
export const SEARCH_PAGE_SIZE = 20;
/** The API's `limit`: Hugging Face allows up to 120. */
export const SEARCH_API_MAX_LIMIT = 120;
export const SEARCH_API_DEFAULT_LIMIT = 50;
/** Deepest page: the rankers look 200 papers deep (search.ts RANKER_DEPTH), keyword-only 1,000. */
const MAX_PAGE = 50;
/** Categories and organisations offered in the filters are read again after this long. */
const FACETS_TTL_MS = 10 * 60_000;
const MAX_FACETS = 300;
/** The query as kept in the page's box and links (longer input is cut by the parser anyway). */
const SHOWN_QUERY_CHARS = 1000;
const CATEGORY = /^[a-z-]{2,20}(\.[A-Za-z-]{1,10})?$/;

interface Parsed {
  q: string;
  mode: SearchMode;
  filters: SearchFilters;
  warnings: string[];
}

/** The first value of a parameter (a page forgives a repeated one; the API does not). */
function first(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function flag(v: string | undefined): boolean | null {
  if (v === undefined || v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true' || v === 'on') return true;
  return null;
}

/** Reads q, mode and the filters. `strict`: a bad value is a 400 (API); else it is left out with a warning. */
export function searchParams(query: Query, strict: boolean): Parsed {
  const get = strict ? (n: string) => single(query, n) : (n: string) => first(query, n);
  const warnings: string[] = [];
  const bad = (msg: string) => {
    if (strict) throw badRequest(msg);
    warnings.push(`${msg} It was left out.`);
  };
  // NUL and other control characters only separate words (the parser ignores them too).
  const q = (get('q') ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, SHOWN_QUERY_CHARS);
  let mode: SearchMode = 'hybrid';
  const m = get('mode');
  if (m) {
    if ((SEARCH_MODES as readonly string[]).includes(m)) mode = m as SearchMode;
    else bad(`"mode" must be one of ${SEARCH_MODES.join(', ')}.`);
  }
  const filters: SearchFilters = {};
  for (const name of ['from', 'to'] as const) {
    const v = get(name);
    if (!v) continue;
    const d = parseDay(v);
    if (d) filters[name] = d;
    else bad(`"${name}" must be a day written YYYY-MM-DD.`);
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    bad('"from" comes after "to".');
    delete filters.from;
    delete filters.to;
  }
  const category = get('category');
  if (category) {
    if (CATEGORY.test(category)) filters.category = category;
    else bad('"category" must be an arXiv category such as cs.CL.');
  }
  const org = get('organization')?.trim();
  if (org) {
    if (org.length <= 100) filters.organization = org;
    else bad('"organization" is at most 100 characters.');
  }
  for (const name of ['hasCode', 'onList'] as const) {
    const f = flag(get(name));
    if (f === null) bad(`"${name}" must be 1 or 0.`);
    else if (f) filters[name] = true;
  }
  return { q, mode, filters, warnings };
}

interface Facets {
  at: number;
  categories: CategoryOption[];
  organizations: string[];
}
const facetCache = new WeakMap<object, Facets>();

/** Categories and organisations to offer in the filters (read again every FACETS_TTL_MS). */
async function facets(db: Kysely<Database>): Promise<Facets> {
  const have = facetCache.get(db);
  if (have && Date.now() - have.at < FACETS_TTL_MS) return have;
  const cats = await db
    .selectFrom('papers')
    .select(['primary_category as name', (eb) => eb.fn.countAll<string>().as('n')])
    .where('hidden', '=', 0)
    .where('primary_category', 'is not', null)
    .groupBy('primary_category')
    .orderBy('n', 'desc')
    .limit(MAX_FACETS)
    .execute();
  const orgs = await db.selectFrom('organizations').select('name').orderBy('name').limit(MAX_FACETS).execute();
  const f: Facets = {
    at: Date.now(),
    categories: cats
      .filter((c): c is { name: string; n: string } => typeof c.name === 'string' && CATEGORY.test(c.name))
      .map((c) => ({ name: c.name, papers: Number(c.n) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    organizations: orgs.map((o) => o.name),
  };
  facetCache.set(db, f);
  return f;
}

async function pageData(ctx: AppContext, req: FastifyRequest): Promise<SearchPageData> {
  const query = req.query as Query;
  const p = searchParams(query, false);
  let page = 1;
  const rawPage = first(query, 'p');
  if (rawPage) {
    const n = Number(rawPage);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_PAGE) page = n;
    else p.warnings.push(`"p" must be a page number from 1 to ${MAX_PAGE}; the first page is shown.`);
  }
  const db = ctx.store.db;
  const f = await facets(db);
  const anything = p.q.trim() !== '';
  const result = anything
    ? await search(searchService(ctx.store, ctx.config), {
        q: p.q,
        mode: p.mode,
        filters: p.filters,
        offset: (page - 1) * SEARCH_PAGE_SIZE,
        limit: SEARCH_PAGE_SIZE,
      })
    : null;
  return { ...p, page, pageSize: SEARCH_PAGE_SIZE, result, categories: f.categories, organizations: f.organizations };
}

export function registerSearch(app: FastifyInstance, ctx: AppContext): void {
  app.get('/search', async (req, reply) =>
    sendCached(ctx, req, reply, async () => htmlResponse(renderSearchPage(await pageData(ctx, req)), { 'cache-control': 'no-cache' })),
  );

  app.get('/search/results', async (req, reply) =>
    sendCached(ctx, req, reply, async () => htmlResponse(renderResults(await pageData(ctx, req)), { 'cache-control': 'no-cache' })),
  );

  app.get('/api/papers/search', async (req, reply) => {
    const query = req.query as Query;
    const p = searchParams(query, true);
    const limit = intParam(query, 'limit', { min: 1, max: SEARCH_API_MAX_LIMIT, default: SEARCH_API_DEFAULT_LIMIT });
    const page = intParam(query, 'p', { min: 0, max: MAX_PAGE, default: 0 });
    const parsed = parseQuery(p.q);
    if (parsed.problem) throw badRequest(`Parameter "q": ${parsed.problem}`);
    return sendCached(ctx, req, reply, async () => {
      const r = await search(searchService(ctx.store, ctx.config), {
        q: p.q,
        mode: p.mode,
        filters: p.filters,
        offset: page * limit,
        limit,
      });
      const headers: Record<string, string> = {};
      if (r.total > (page + 1) * limit) headers.link = `<${ctx.config.baseUrl}${withParam(req.url, 'p', String(page + 1))}>; rel="next"`;
      // Longer queries are cut, as the search box does; the header says so (the body stays HF's shape).
      if (parsed.truncated)
        headers['x-query-truncated'] = `only the first ${MAX_QUERY_CHARS} characters and ${MAX_TERMS} terms were searched`;
      if (r.used !== r.mode) headers['x-search-mode'] = r.used;
      return jsonResponse(r.hits.map(presentSearchItem), headers);
    });
  });
}
