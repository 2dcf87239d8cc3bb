import type { Config } from '../config.ts';
import type { Store } from '../db/connection.ts';
import type { ResponseCache } from './cache.ts';

/** What every route needs: settings, the store and the response cache. */
export interface AppContext {
  config: Config;
  store: Store;
  cache: ResponseCache;
}
