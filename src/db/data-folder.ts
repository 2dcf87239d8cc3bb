// Creates the data folder, one level at a time. Node's recursive mkdirSync can spin for ever on some
// paths (a folder under /proc, where mkdir answers ENOENT for a parent that exists), so a bad
// FOLIO_DATA_DIR would hang the process instead of failing; level by level, each failure is an error.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export function ensureFolder(path: string): void {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}' (${at} is a file)`), { code: 'ENOTDIR', path });
      }
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
      missing.push(at);
      if (dirname(at) === at) break;
      at = dirname(at);
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      // Another process may have made it meanwhile.
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
  }
}
