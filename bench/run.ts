// `npm run bench [-- SECTION...]`: runs the benchmarks and prints one table per section.
// Sections: import, http, harvest, members, digest, search, search-1m (makes and indexes a million papers
// once, in BENCH_CACHE), search-pg, search-quality, stores (SQLite beside PostgreSQL), backup (a large SQLite store under writes), tex (the TeX budget), and soak (only when named: it runs SOAK_SECONDS,
// 10 minutes by default). Not part of `npm test`; figures are ratios to a baseline of the same run.
import { cpus } from 'node:os';
import { benchBackup } from './backup.ts';
import { benchDigest } from './digest.ts';
import { benchHarvest } from './harvest.ts';
import { benchHttp } from './http.ts';
import { benchImport } from './import.ts';
import { benchMembers } from './members.ts';
import { benchRoutesUnderLoad } from './routes-under-load.ts';
import { benchSearch, benchSearch1m, benchSearchPg } from './search.ts';
import { benchSearchQuality } from './search-quality.ts';
import { benchSoak, type Table } from './soak.ts';
import { benchStores } from './stores.ts';
import { formatTable, type Row } from './table.ts';
import { benchTexBudget } from './tex-budget.ts';

const SECTIONS: Record<string, [string, () => Promise<Row[] | Table[]>]> = {
  import: ['Import throughput (all shared listings)', benchImport],
  http: ['Read routes at 50 connections vs the same bytes as a static file', benchHttp],
  harvest: ['arXiv harvest from the local stand-in (delay 0) vs parsing the same bytes', benchHarvest],
  members: ['Members: upvotes/s with 50 concurrent members; /papers signed in vs signed out', benchMembers],
  digest: [
    `Digest: compose and send for ${process.env.BENCH_SUBSCRIBERS ?? '10,000'} subscribers (local SMTP server in a child process)`,
    benchDigest,
  ],
  soak: ['Soak: folio serve with its worker under mixed traffic, a harvest and a digest run', benchSoak],
  search: ['Search on the 77k real papers', benchSearch],
  'search-1m': ['Search on a million papers made from the real ones', benchSearch1m],
  'search-pg': ['Search on PostgreSQL (77k real papers)', benchSearchPg],
  'search-quality': ['Search quality: rankers and fusions', benchSearchQuality],
  stores: ['The same instance on SQLite and on PostgreSQL', benchStores],
  routes: ['Heavy read routes at 20 connections with /healthz beside them (the 71.7k listings)', benchRoutesUnderLoad],
  backup: ['Backup of a large SQLite store, idle and under writes from a second process', benchBackup],
  tex: ['The TeX budget: worst comments rendered, and /healthz while they are posted', benchTexBudget],
};
/** Sections run when none is named (the soak is long: it runs when asked for). */
const DEFAULT_SECTIONS = Object.keys(SECTIONS).filter((s) => s !== 'soak');

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in SECTIONS));
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
console.log(`Folio benchmarks — node ${process.version}, ${cpus().length} cores, ${new Date().toISOString()}\n`);
for (const name of wanted.length ? wanted : DEFAULT_SECTIONS) {
  const [title, fn] = SECTIONS[name] as [string, () => Promise<Row[] | Table[]>];
  const out = await fn();
  const tables = out.length && 'rows' in (out[0] as object) ? (out as Table[]) : [{ title, rows: out as Row[] }];
  for (const t of tables) console.log(formatTable(t.title, t.rows));
}
