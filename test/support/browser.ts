// Debian's Chromium driven by playwright-core, as every browser test launches it: no download, no
// network beyond this machine.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing; the browser tests must run in CI (apt-get install -y chromium).`);
}
if (!haveChromium) {
  console.warn(`Skipping browser tests: ${CHROMIUM} is missing (apt-get install -y chromium). In CI they run.`);
}

export function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface ContextOptions {
  javaScriptEnabled?: boolean;
  /** Collects the Content-Security-Policy refusals the page logs, for the test to assert none. */
  violations?: string[];
}

/** A context whose requests to other hosts (avatars, thumbnails) fail at once instead of waiting. */
export async function offlineContext(
  browser: Browser,
  viewport: { width: number; height: number },
  colorScheme: 'light' | 'dark',
  o: ContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1, javaScriptEnabled: o.javaScriptEnabled ?? true });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  const violations = o.violations;
  if (violations) {
    context.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
  }
  return context;
}

/** Starts the app on a free loopback port; returns its base URL. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
