// Where the shared real data lives (arXiv records, Daily Papers bodies, CSFCube): FOLIO_SHARED_DATA, or
// `../shared/data` beside the checkout.
import { join } from 'node:path';

export const SHARED_DATA = process.env.FOLIO_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
