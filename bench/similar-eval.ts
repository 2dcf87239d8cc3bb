// Runs the "similar papers" evaluation on CSFCube dev and prints the table:
//   node bin/run-ts.js bench/similar-eval.ts [--train PATH]... [--method NAME] [--dims N] [--json]
// Defaults to the shared data set beside the project (../shared/data/csfcube).
import { resolve } from 'node:path';
import { evaluateSimilar, formatReport } from '../src/search/evaluate.ts';

const args = process.argv.slice(2);
const train: string[] = [];
let method: string | undefined;
let dims: number | undefined;
let svdMaxDocs: number | undefined;
let json = false;
let data = process.env.FOLIO_SHARED_DATA ?? resolve(import.meta.dirname, '../../shared/data');
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--train') train.push(args[++i] as string);
  else if (a === '--method') method = args[++i];
  else if (a === '--dims') dims = Number(args[++i]);
  else if (a === '--svd-max-docs') svdMaxDocs = Number(args[++i]);
  else if (a === '--data') data = args[++i] as string;
  else if (a === '--json') json = true;
  else throw new Error(`unknown argument ${a}`);
}
const report = await evaluateSimilar({
  corpusDir: `${data}/csfcube`,
  annsPrefix: `${data}/csfcube/dev-pid2anns`,
  train,
  method,
  trainOptions: { ...(dims ? { dims } : {}), ...(svdMaxDocs ? { svdMaxDocs } : {}) },
  onProgress: (m) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`),
});
if (json) console.log(JSON.stringify({ ...report, methods: report.methods.map(({ perQuery, ...m }) => m) }, null, 2));
else console.log(formatReport(report));
