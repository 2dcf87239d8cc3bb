// Where test data lives (no vitest import here: the run's global setup reads it too). FIXTURES: the small real slices in test/fixtures/, always there, which every
// behaviour is tested on. SHARED_DATA: the large real collections (all 71,700 listings, the whole CSFCube
// collection, every Daily Papers day) from FOLIO_SHARED_DATA or `../shared/data` beside the checkout, or
// undefined when neither is there (or FOLIO_SHARED_DATA=none): the tests of those collections are then skipped (`describeShared`).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

function findShared(): string | undefined {
  const named = process.env.FOLIO_SHARED_DATA;
  // `none`: run on the fixtures only, even where the large sets are beside the checkout.
  if (named === 'none') return undefined;
  if (named) {
    if (!existsSync(named)) throw new Error(`FOLIO_SHARED_DATA=${named}: no such folder`);
    return resolve(named);
  }
  const beside = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
  return existsSync(beside) ? beside : undefined;
}

export const SHARED_DATA: string | undefined = findShared();

/** Why a suite of the large sets was skipped: the title says what to set. */
export const NEEDS_SHARED = '(skipped: set FOLIO_SHARED_DATA to the large real data sets)';
