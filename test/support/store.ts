// Test factories: a fresh store in a temporary folder, and an app built on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../../src/config.ts';
import { openStore, type Store } from '../../src/db/connection.ts';
import { buildApp } from '../../src/web/server.ts';

export const SHARED_DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');

export interface TestStore {
  store: Store;
  dir: string;
  config: Config;
  cleanup(): Promise<void>;
}

export async function buildStore(overrides: Partial<Record<keyof Config, unknown>> = {}): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-test-'));
  const config = loadConfig({}, { dataDir: dir, demo: '0', logLevel: 'silent', ...overrides });
  const store = await openStore(dir);
  return {
    store,
    dir,
    config,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestApp extends TestStore {
  app: FastifyInstance;
}

export async function buildTestApp(overrides: Partial<Record<keyof Config, unknown>> = {}): Promise<TestApp> {
  const t = await buildStore(overrides);
  const app = await buildApp(t.config, t.store, { logger: false });
  return {
    ...t,
    app,
    cleanup: async () => {
      await app.close();
      await t.cleanup();
    },
  };
}
