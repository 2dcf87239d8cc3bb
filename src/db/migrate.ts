// Numbered migrations, applied in order at start, each in its own transaction (both SQLite and
// PostgreSQL have transactional DDL, so a failed migration leaves nothing half-applied).
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Dialect } from './dialect.ts';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_jobs.ts';
import * as m0003 from './migrations/0003_search_trending.ts';
import * as m0004 from './migrations/0004_members.ts';
import * as m0005 from './migrations/0005_harvests.ts';
import * as m0006 from './migrations/0006_digests.ts';
import * as m0007 from './migrations/0007_search.ts';

interface DialectMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** The ordered list: append, never edit a released one. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '0001_initial': m0001,
  '0002_jobs': m0002,
  '0003_search_trending': m0003,
  '0004_members': m0004,
  '0005_harvests': m0005,
  '0006_digests': m0006,
  '0007_search': m0007,
};

class ListProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(MIGRATIONS)) {
      out[name] = { up: (db) => m.up(db, this.dialect) };
    }
    return out;
  }
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new ListProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
