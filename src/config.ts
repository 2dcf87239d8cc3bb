// Every setting of Folio in one validated object. Each entry names its environment variable, its default
// and a one-line meaning; `docs/configuration.md` is generated from this table, so it never drifts.
import { resolve } from 'node:path';
import { z } from 'zod';
import type { TrendingParams } from './domain/trending.ts';
import { parseMailbox } from './email/address.ts';
import { ARXIV_OAI_ENDPOINT } from './ingest/arxiv/harvester.ts';

interface Setting<T extends z.ZodTypeAny> {
  env: string;
  schema: T;
  doc: string;
}

const bool = z.enum(['0', '1', 'true', 'false', 'yes', 'no']).transform((v) => v === '1' || v === 'true' || v === 'yes');

function setting<T extends z.ZodTypeAny>(env: string, schema: T, doc: string): Setting<T> {
  return { env, schema, doc };
}

export const SETTINGS = {
  dataDir: setting('FOLIO_DATA_DIR', z.string().min(1).default('./data'), 'Folder for the SQLite database, indexes and the mail outbox.'),
  databaseUrl: setting(
    'DATABASE_URL',
    z
      .string()
      .regex(/^postgres(ql)?:\/\//i, 'expected a postgres:// URL')
      .optional(),
    'PostgreSQL URL (postgres://user:pass@host:5432/db); unset: SQLite in FOLIO_DATA_DIR.',
  ),
  port: setting('PORT', z.coerce.number().int().min(0).max(65535).default(3000), 'TCP port the web server listens on.'),
  host: setting('HOST', z.string().min(1).default('0.0.0.0'), 'Address the web server binds to.'),
  demo: setting('FOLIO_DEMO', bool.default(true), 'Load the bundled demo data into an empty database on first start (0 starts empty).'),
  baseUrl: setting(
    'FOLIO_BASE_URL',
    z.string().url().optional(),
    'Public URL of the site, used in links of feeds and mails (default: http://localhost:PORT).',
  ),
  siteName: setting('FOLIO_SITE_NAME', z.string().min(1).max(80).default('Folio'), 'Name shown in the header and titles.'),
  logLevel: setting(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    'Log level (debug also makes command-line failures print their stack trace).',
  ),
  logFormat: setting(
    'LOG_FORMAT',
    z.enum(['auto', 'pretty', 'json']).default('auto'),
    'Log lines: json (one JSON object a line, for collectors), pretty (readable), auto: pretty on a terminal, else json.',
  ),
  worker: setting(
    'FOLIO_WORKER',
    bool.default(true),
    'Run the job worker inside `folio serve` (set 0 when separate `folio worker` processes run).',
  ),
  metricsToken: setting(
    'FOLIO_METRICS_TOKEN',
    z.string().min(16, 'use at least 16 characters').optional(),
    "A bearer token for Prometheus: /metrics also answers `Authorization: Bearer <token>` (it always answers admins, by session or by an admin's API token).",
  ),
  metricsPublic: setting(
    'FOLIO_METRICS_PUBLIC',
    bool.default(false),
    '/metrics answers anyone (for a scraper on a private network, with the site not reachable from outside); otherwise only admins and FOLIO_METRICS_TOKEN.',
  ),
  jobLeaseSeconds: setting(
    'FOLIO_JOB_LEASE_SECONDS',
    z.coerce.number().int().min(5).max(86_400).default(300),
    'How long a worker holds a job without a heartbeat; after it, another worker takes over a job whose worker died.',
  ),
  timezone: setting('FOLIO_TIMEZONE', z.string().min(1).default('UTC'), 'Time zone of the schedule (IANA name, e.g. Europe/Paris).'),
  arxivSets: setting(
    'FOLIO_ARXIV_SETS',
    z
      .string()
      .default('cs')
      .transform((s) => (s.trim() === 'none' ? [] : s.split(/[\s,]+/).filter(Boolean)))
      .pipe(z.array(z.string().regex(/^[a-z-]+(?::[a-zA-Z-]+)*$/, 'sets look like cs, math or physics:hep-th'))),
    'OAI-PMH sets harvested daily, comma-separated (cs, math, physics:hep-th, ...); `none` disables the harvest.',
  ),
  harvestCron: setting(
    'FOLIO_HARVEST_CRON',
    z.string().default('0 3 * * *'),
    'When the daily arXiv harvest runs (cron expression in FOLIO_TIMEZONE).',
  ),
  arxivOaiUrl: setting('FOLIO_ARXIV_OAI_URL', z.string().url().default(ARXIV_OAI_ENDPOINT), "Base URL of arXiv's OAI-PMH endpoint."),
  arxivApiUrl: setting(
    'FOLIO_ARXIV_API_URL',
    z.string().url().default('https://export.arxiv.org/api/query'),
    "URL of arXiv's query API (Atom).",
  ),
  arxivDelay: setting(
    'FOLIO_ARXIV_DELAY',
    z.coerce.number().min(0).max(600).default(3),
    'Seconds between two requests to arXiv (arXiv asks for 3 or more).',
  ),
  trendingGravity: setting(
    'FOLIO_TRENDING_GRAVITY',
    z.coerce.number().min(0).max(5).default(1.8),
    'Trending: how fast age pulls a paper down (the exponent of age; see docs/trending.md).',
  ),
  trendingAgeOffset: setting(
    'FOLIO_TRENDING_AGE_OFFSET',
    z.coerce.number().min(0.1).max(1000).default(2),
    'Trending: hours added to every age.',
  ),
  trendingCommentWeight: setting(
    'FOLIO_TRENDING_COMMENT_WEIGHT',
    z.coerce.number().min(0).max(100).default(0.5),
    'Trending: upvotes one comment is worth.',
  ),
  trendingStarWeight: setting(
    'FOLIO_TRENDING_STAR_WEIGHT',
    z.coerce.number().min(0).max(100).default(1),
    'Trending: weight of ln(1 + GitHub stars).',
  ),
  trendingCron: setting(
    'FOLIO_TRENDING_CRON',
    z.string().default('*/15 * * * *'),
    'When stored trending scores are recomputed for everyone (votes and comments recompute their paper at once).',
  ),
  pageSize: setting('FOLIO_PAGE_SIZE', z.coerce.number().int().min(5).max(200).default(50), 'Papers shown per list page.'),
  // ---- members (README "Members") ----
  trustProxy: setting(
    'FOLIO_TRUST_PROXY',
    bool.default(false),
    'Trust X-Forwarded-For/-Proto from a reverse proxy (set 1 only behind one: client addresses feed the rate limits).',
  ),
  signupOpen: setting('FOLIO_SIGNUP', bool.default(true), 'Let visitors create accounts (0: only `folio users create` makes them).'),
  requireConfirmedEmail: setting(
    'FOLIO_REQUIRE_CONFIRMED_EMAIL',
    bool.default(true),
    'Members must confirm their email address before they vote, comment or submit.',
  ),
  sessionDays: setting('FOLIO_SESSION_DAYS', z.coerce.number().int().min(1).max(365).default(30), 'Days a sign-in lasts.'),
  submitMaxAgeDays: setting(
    'FOLIO_SUBMIT_MAX_AGE_DAYS',
    z.coerce.number().int().min(0).max(36500).default(14),
    'Submissions: at most this many days after arXiv publication (0: no limit).',
  ),
  submitPerDay: setting(
    'FOLIO_SUBMIT_PER_DAY',
    z.coerce.number().int().min(0).max(1000).default(5),
    'Submissions: at most this many per member per day (UTC; 0: no limit).',
  ),
  submitTrustedOnly: setting(
    'FOLIO_SUBMIT_TRUSTED_ONLY',
    bool.default(false),
    'Submissions: only trusted members, moderators and admins may submit.',
  ),
  submitAllowRelist: setting(
    'FOLIO_SUBMIT_ALLOW_RELIST',
    bool.default(false),
    'Submissions: a paper already on a daily list may be submitted again on another day (default: no duplicates).',
  ),
  rateLimitScale: setting(
    'FOLIO_RATE_LIMIT_SCALE',
    z.coerce.number().min(0).max(1_000_000).default(1),
    'Multiplies every rate limit (sign-in, sign-up, votes, comments, submissions); 0 turns them off. See README.',
  ),
  // ---- mail and the digest (README "Digest and mail") ----
  smtpUrl: setting(
    'FOLIO_SMTP_URL',
    z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/i, 'expected smtp://user:pass@host:587 or smtps://user:pass@host:465')
      .optional(),
    'SMTP server for every mail: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465. Unset: mails stay in the outbox (/admin/outbox, and FOLIO_DATA_DIR/outbox/*.eml).',
  ),
  mailFrom: setting(
    'FOLIO_MAIL_FROM',
    z.string().max(300).optional(),
    'Sender of every mail, `Name <address>` or `address` (default: FOLIO_SITE_NAME <no-reply@the host of FOLIO_BASE_URL>).',
  ),
  smtpConnections: setting(
    'FOLIO_SMTP_CONNECTIONS',
    z.coerce.number().int().min(1).max(50).default(3),
    'SMTP connections a sender keeps open, and so mails in flight at once.',
  ),
  mailMaxAttempts: setting(
    'FOLIO_MAIL_MAX_ATTEMPTS',
    z.coerce.number().int().min(1).max(100).default(10),
    'Tries of a mail that fails for a temporary reason (4xx, connection refused) before it is given up; the waits double from 1 minute up to 2 hours.',
  ),
  mailBounceLimit: setting(
    'FOLIO_MAIL_BOUNCE_LIMIT',
    z.coerce.number().int().min(1).max(100).default(3),
    'Permanent refusals (5xx) of an address in a row after which Folio stops mailing it (an admin can allow it again in /admin/outbox).',
  ),
  mailLeaseSeconds: setting(
    'FOLIO_MAIL_LEASE_SECONDS',
    z.coerce.number().int().min(1).max(3600).default(120),
    'How long a sender holds the mails it claimed; the mails of a sender that died are sent by another after this.',
  ),
  digestTime: setting(
    'FOLIO_DIGEST_TIME',
    z
      .string()
      .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|off)$/, 'expected HH:MM (24-hour) or off')
      .default('07:00'),
    'Local time (in FOLIO_TIMEZONE) the digests go out: the daily one Monday to Friday for the previous list day, the weekly one on Mondays for the previous ISO week; `off` sends none.',
  ),
  digestPapers: setting('FOLIO_DIGEST_PAPERS', z.coerce.number().int().min(1).max(50).default(10), 'Papers in a digest (at most).'),
  digestRank: setting(
    'FOLIO_DIGEST_RANK',
    z.enum(['trending', 'upvotes']).default('trending'),
    "How a digest ranks the period's papers: by trending score (docs/trending.md) or by upvotes.",
  ),
  // ---- search (README "Search") ----
  embeddings: setting(
    'FOLIO_EMBEDDINGS',
    z.enum(['builtin', 'openai', 'onnx']).default('builtin'),
    'Where meaning-search vectors come from: builtin (learnt from the corpus, no download), openai (an OpenAI-compatible /v1/embeddings endpoint) or onnx (a local model through the optional @huggingface/transformers).',
  ),
  embeddingsUrl: setting(
    'FOLIO_EMBEDDINGS_URL',
    z.string().url().optional(),
    'openai: base URL of the endpoint, e.g. http://localhost:11434/v1 (Ollama), http://localhost:8080/v1 (TEI), https://api.openai.com/v1.',
  ),
  embeddingsModel: setting(
    'FOLIO_EMBEDDINGS_MODEL',
    z.string().min(1).max(200).optional(),
    'openai: the model name sent to the endpoint; onnx: the model id (default Xenova/all-MiniLM-L6-v2).',
  ),
  embeddingsApiKey: setting(
    'FOLIO_EMBEDDINGS_API_KEY',
    z.string().min(1).optional(),
    'openai: sent as `Authorization: Bearer ...` when set.',
  ),
  embeddingsDimensions: setting(
    'FOLIO_EMBEDDINGS_DIMENSIONS',
    z.coerce.number().int().min(1).max(8192).optional(),
    'openai: asks for vectors of this size (the `dimensions` parameter; only some models accept it).',
  ),
  embeddingsBatch: setting(
    'FOLIO_EMBEDDINGS_BATCH',
    z.coerce.number().int().min(1).max(2048).default(64),
    'Texts per embeddings request (openai) or per inference batch (onnx).',
  ),
  embeddingsTimeout: setting(
    'FOLIO_EMBEDDINGS_TIMEOUT_SECONDS',
    z.coerce.number().min(1).max(3600).default(60),
    'openai: how long one request may take before it is retried.',
  ),
  embeddingsQueryPrefix: setting(
    'FOLIO_EMBEDDINGS_QUERY_PREFIX',
    z.string().max(200).default(''),
    'Put before every search query sent to the provider (e.g. `query: ` for E5 models).',
  ),
  embeddingsDocumentPrefix: setting(
    'FOLIO_EMBEDDINGS_DOCUMENT_PREFIX',
    z.string().max(200).default(''),
    'Put before every paper text sent to the provider (e.g. `passage: ` for E5 models).',
  ),
  searchIndexCron: setting(
    'FOLIO_SEARCH_INDEX_CRON',
    z.string().default('30 4 * * *'),
    'When the vector index is rebuilt from scratch (cron in FOLIO_TIMEZONE); imports and harvests also rebuild it once the corpus grew by a quarter, and add new papers at once.',
  ),
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> } & { dataDir: string; baseUrl: string };

export class ConfigError extends Error {}

/** Reads and validates every setting; throws a ConfigError naming each bad variable (fail fast at start). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Settings, unknown>> = {}): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(SETTINGS) as [keyof Settings, Setting<z.ZodTypeAny>][]) {
    const raw = key in overrides ? overrides[key] : env[s.env] === '' ? undefined : env[s.env];
    const parsed = s.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${s.env}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (out.embeddings === 'openai' && (!out.embeddingsUrl || !out.embeddingsModel)) {
    problems.push('FOLIO_EMBEDDINGS=openai: set FOLIO_EMBEDDINGS_URL and FOLIO_EMBEDDINGS_MODEL too');
  }
  if (typeof out.mailFrom === 'string') {
    try {
      parseMailbox(out.mailFrom);
    } catch (e) {
      problems.push(`FOLIO_MAIL_FROM=${JSON.stringify(out.mailFrom)}: ${(e as Error).message}`);
    }
  }
  if (problems.length) throw new ConfigError(`invalid settings:\n  ${problems.join('\n  ')}`);
  const cfg = out as Config;
  cfg.dataDir = resolve(cfg.dataDir);
  cfg.baseUrl = (cfg.baseUrl ?? `http://localhost:${cfg.port}`).replace(/\/+$/, '');
  return cfg;
}

/** The trending formula's constants, from the settings. */
export function trendingParams(c: Config): TrendingParams {
  return {
    gravity: c.trendingGravity,
    ageOffsetHours: c.trendingAgeOffset,
    commentWeight: c.trendingCommentWeight,
    starWeight: c.trendingStarWeight,
  };
}
