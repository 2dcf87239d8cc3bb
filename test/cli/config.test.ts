import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configurationMarkdown } from '../../src/cli/config-doc.ts';
import { ConfigError, loadConfig, SETTINGS } from '../../src/config.ts';

describe('settings', () => {
  it('have defaults that load without any environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.demo).toBe(true);
    expect(c.arxivSets).toEqual(['cs']);
    expect(c.baseUrl).toBe('http://localhost:3000');
  });

  it('name every bad variable at once', () => {
    try {
      loadConfig({ PORT: '99999', FOLIO_DEMO: 'maybe', FOLIO_BASE_URL: 'not a url', FOLIO_ARXIV_SETS: 'cs;rm -rf' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      for (const v of ['PORT', 'FOLIO_DEMO', 'FOLIO_BASE_URL', 'FOLIO_ARXIV_SETS']) expect((e as Error).message).toContain(v);
    }
  });

  it('are documented in docs/configuration.md exactly as generated', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
    expect(doc).toBe(configurationMarkdown());
    for (const s of Object.values(SETTINGS)) expect(doc).toContain(s.env);
  });
});
