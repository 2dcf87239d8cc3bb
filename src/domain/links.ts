// What a paper may be linked to: a GitHub repository and a project page, as absolute http(s) URLs.
import { safeHttpUrl } from './safe-url.ts';

export const MAX_URL_CHARS = 500;
const GITHUB_REPO = /^https:\/\/github\.com\/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}\/?$/;

/** The repository URL in one form (no trailing slash, no `.git`), or null when it is not one. */
export function normaliseGithubRepo(url: string): string | null {
  const u = url.trim().replace(/\.git$/, '');
  if (u.length > MAX_URL_CHARS || !GITHUB_REPO.test(u)) return null;
  return u.replace(/\/$/, '');
}

export function normaliseProjectPage(url: string): string | null {
  const s = url.trim();
  if (!s || s.length > MAX_URL_CHARS || !safeHttpUrl(s)) return null;
  return new URL(s).toString();
}
