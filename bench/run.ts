// `npm run bench [-- SECTION...]`: runs the benchmarks and prints one table per section.
// Sections: import, http, harvest, members. Not part of `npm test`; figures are ratios to a baseline of the same run.
import { cpus } from 'node:os';
import { benchHarvest } from './harvest.ts';
import { benchHttp } from './http.ts';
import { benchImport } from './import.ts';
import { benchMembers } from './members.ts';
import { formatTable, type Row } from './table.ts';

const SECTIONS: Record<string, [string, () => Promise<Row[]>]> = {
  import: ['Import throughput (all shared listings)', benchImport],
  http: ['Read routes at 50 connections vs the same bytes as a static file', benchHttp],
  harvest: ['arXiv harvest from the local stand-in (delay 0) vs parsing the same bytes', benchHarvest],
  members: ['Members: upvotes/s with 50 concurrent members; /papers signed in vs signed out', benchMembers],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in SECTIONS));
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
console.log(`Folio benchmarks — node ${process.version}, ${cpus().length} cores, ${new Date().toISOString()}\n`);
for (const name of wanted.length ? wanted : Object.keys(SECTIONS)) {
  const [title, fn] = SECTIONS[name] as [string, () => Promise<Row[]>];
  console.log(formatTable(title, await fn()));
}
