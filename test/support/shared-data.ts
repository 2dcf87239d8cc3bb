// The large real data sets' suites: `describeShared` runs them when the data is here (shared-paths.ts).
import { describe } from 'vitest';
import { NEEDS_SHARED, SHARED_DATA } from './shared-paths.ts';

export { FIXTURES, NEEDS_SHARED, SHARED_DATA } from './shared-paths.ts';

/** The shared data folder, for a suite that runs only when it is there. */
export function sharedData(): string {
  if (!SHARED_DATA) throw new Error('the large real data sets are not here: set FOLIO_SHARED_DATA');
  return SHARED_DATA;
}

/**
 * A `describe` for the tests of the large real data sets: runs when they are here, otherwise skipped
 * under a title that names the setting, so a bare clone's run says what it left out.
 */
export function describeShared(name: string, fn: () => void): void {
  if (SHARED_DATA) describe(name, fn);
  else describe.skip(`${name} ${NEEDS_SHARED}`, fn);
}
