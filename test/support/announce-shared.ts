// Vitest global setup: one line at the start of a run without the large real data sets, so a bare
// clone's `npm test` says what it leaves out and which setting brings it in (the skipped suites' titles
// say it too, in the verbose reporter).
import { SHARED_DATA } from './shared-paths.ts';

export default function setup(): void {
  if (SHARED_DATA) console.log(`large real data sets: ${SHARED_DATA}`);
  else console.log('large real data sets not found: their suites are skipped; set FOLIO_SHARED_DATA to the folder that holds them');
}
