// What `folio serve` says once it listens: where to open it, and what it serves from.
import type { StoreSummary } from '../db/queries/store-summary.ts';

export interface StartFacts {
  version: string;
  /** What the server bound, as Fastify reports it (http://0.0.0.0:3000, http://[::1]:3000, ...). */
  address: string;
  baseUrl: string;
  store: string;
  summary: StoreSummary;
  worker: boolean;
}

/** A wildcard bind is reachable on this machine as localhost; that is the address to open in a browser. */
export function openableAddress(address: string): string {
  const u = new URL(address);
  if (u.hostname === '0.0.0.0' || u.hostname === '[::]') u.hostname = 'localhost';
  return u.origin;
}

export function startLines(f: StartFacts): string[] {
  const open = openableAddress(f.address);
  const lines = [`Folio ${f.version} listening on ${f.address}: open ${open}${f.baseUrl !== open ? ` (public address ${f.baseUrl})` : ''}`];
  const n = (x: number) => x.toLocaleString('en-US');
  lines.push(
    `serving ${n(f.summary.papers)} papers and ${n(f.summary.days)} daily lists from ${f.store}; ` +
      (f.worker ? 'jobs run in this process' : 'jobs run in `folio worker` processes'),
  );
  return lines;
}
