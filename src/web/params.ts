// Reading query parameters that several routes share: periods, paging, limits. Each bad value is a
// 400 with a message that says what is expected.
import { type Period, parseDay, parsePeriod } from '../domain/periods.ts';
import { badRequest } from './errors.ts';

export type Query = Record<string, unknown>;

/** A single string value; repeated parameters (`?a=1&a=2`) are refused rather than guessed at. */
export function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`Parameter "${name}" must be given once.`);
  return v;
}

export function intParam(q: Query, name: string, opts: { min: number; max: number; default: number }): number {
  const raw = single(q, name);
  if (raw === undefined || raw === '') return opts.default;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest(`Parameter "${name}" must be a whole number from ${opts.min} to ${opts.max}.`);
  const n = Number(raw);
  if (n < opts.min || n > opts.max) throw badRequest(`Parameter "${name}" must be a whole number from ${opts.min} to ${opts.max}.`);
  return n;
}

/** The period named by `date`, `week` or `month` (at most one of them), or undefined. */
export function periodParam(q: Query): Period | undefined {
  const date = single(q, 'date');
  const week = single(q, 'week');
  const month = single(q, 'month');
  const given = [date, week, month].filter((v) => v !== undefined).length;
  if (given > 1) throw badRequest('Give at most one of "date", "week" and "month".');
  if (date !== undefined) {
    const d = parseDay(date);
    if (!d) throw badRequest('Parameter "date" must be a calendar day YYYY-MM-DD.');
    return parsePeriod('day', d) as Period;
  }
  if (week !== undefined) {
    const p = parsePeriod('week', week);
    if (!p) throw badRequest('Parameter "week" must be an ISO week YYYY-Www (for example 2026-W23).');
    return p;
  }
  if (month !== undefined) {
    const p = parsePeriod('month', month);
    if (!p) throw badRequest('Parameter "month" must be YYYY-MM.');
    return p;
  }
  return undefined;
}

/** The same URL with one parameter replaced, for `Link: rel="next"` headers. */
export function withParam(url: string, name: string, value: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set(name, value);
  return `${u.pathname}${u.search}`;
}
