// The rules `folio doctor` judges a deployment by, apart from the probing (doctor.ts does the I/O). Each
// check ends ok, warn (works, but look at it) or fail (fix it), with what to do in words an operator acts on.

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** The Node.js versions Folio supports; package.json's `engines` says the same (a test holds them equal). */
export const SUPPORTED_NODE_RANGE = '>=20.19 <21 || >=22.12';
/** The current long-term-support line. */
export const CURRENT_LTS_MAJOR = 24;
/** Node.js 20 reached its end of life on this day: still supported here, but no longer patched upstream. */
export const NODE_20_END_OF_LIFE = '2026-04-30';

/** Below this much free space in the data folder a write may fail soon (imports, index builds, backups). */
export const DISK_FAIL_BYTES = 200 * 1024 ** 2;
/** Below this, the next meaning-search index build or backup may not fit. */
export const DISK_WARN_BYTES = 2 * 1024 ** 3;

export function nodeCheck(version: string, today: string): Check {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
  if (!supported) {
    return {
      name: 'Node.js',
      status: 'fail',
      detail: `${version} is not supported (${SUPPORTED_NODE_RANGE})`,
      fix: `install Node.js ${CURRENT_LTS_MAJOR} LTS`,
    };
  }
  if (major === 20 && today >= NODE_20_END_OF_LIFE) {
    return {
      name: 'Node.js',
      status: 'warn',
      detail: `${version} works, but Node.js 20 reached its end of life on ${NODE_20_END_OF_LIFE}`,
      fix: `move to Node.js ${CURRENT_LTS_MAJOR} LTS (reinstall with npm ci so better-sqlite3 is built for it)`,
    };
  }
  return { name: 'Node.js', status: 'ok', detail: `${version}${major === CURRENT_LTS_MAJOR ? ', the current LTS' : ''}` };
}

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;

export function diskCheck(freeBytes: number, where: string): Check {
  if (freeBytes < DISK_FAIL_BYTES) {
    return {
      name: 'disk space',
      status: 'fail',
      detail: `${gib(freeBytes)} free in ${where}`,
      fix: 'free some space: writes will fail soon',
    };
  }
  if (freeBytes < DISK_WARN_BYTES) {
    return {
      name: 'disk space',
      status: 'warn',
      detail: `${gib(freeBytes)} free in ${where}`,
      fix: `keep at least ${gib(DISK_WARN_BYTES)} free for index builds and backups`,
    };
  }
  return { name: 'disk space', status: 'ok', detail: `${gib(freeBytes)} free in ${where}` };
}

const LOCAL_HOSTS = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** `configured` is FOLIO_BASE_URL as set (undefined when unset); `effective` what links use. */
export function baseUrlCheck(configured: string | undefined, effective: string): Check {
  if (!configured) {
    return {
      name: 'base URL',
      status: 'warn',
      detail: `FOLIO_BASE_URL is not set: links in feeds and mails point to ${effective}`,
      fix: 'set FOLIO_BASE_URL to the address readers use, e.g. https://papers.example.org',
    };
  }
  const u = new URL(effective);
  if (u.protocol === 'http:' && !LOCAL_HOSTS.test(u.hostname)) {
    return {
      name: 'base URL',
      status: 'warn',
      detail: `${effective} is plain http: passwords and sign-in cookies would cross the network unencrypted`,
      fix: 'serve Folio behind https (a reverse proxy with a certificate) and set FOLIO_BASE_URL to the https address',
    };
  }
  return { name: 'base URL', status: 'ok', detail: effective };
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** The report: one line per check, a "fix:" line under what needs action, and a count at the end. */
export function formatReport(title: string, checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = [title];
  for (const c of checks) {
    lines.push(`${LABEL[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
    if (c.fix) lines.push(`${' '.repeat(width + 8)}fix: ${c.fix}`);
  }
  const n = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  lines.push(`${checks.length} checks: ${n('ok')} ok, ${n('warn')} to look at, ${n('fail')} to fix`);
  return `${lines.join('\n')}\n`;
}

export const exitCodeOf = (checks: Check[]): 0 | 1 => (checks.some((c) => c.status === 'fail') ? 1 : 0);
