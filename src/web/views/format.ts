// How dates, counts and periods read on the pages. Days are calendar dates, so every format is in UTC:
// a list's day must not shift with the server's time zone.
import type { Period } from '../../domain/periods.ts';

const LOCALE = 'en-US';
const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', ...o });
const FULL_DAY = fmt({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const SHORT_DAY = fmt({ weekday: 'short', month: 'short', day: 'numeric' });
const MEDIUM_DAY = fmt({ year: 'numeric', month: 'short', day: 'numeric' });
const MONTH_DAY = fmt({ month: 'short', day: 'numeric' });
const MONTH = fmt({ year: 'numeric', month: 'long' });
const COMPACT = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });

function date(dayOrInstant: string): Date | undefined {
  const t = Date.parse(dayOrInstant.length === 10 ? `${dayOrInstant}T00:00:00Z` : dayOrInstant);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** "Tuesday, June 2, 2026" */
export function fullDay(day: string): string {
  const d = date(day);
  return d ? FULL_DAY.format(d) : day;
}

/** "Tue, Jun 2" */
export function shortDay(day: string): string {
  const d = date(day);
  return d ? SHORT_DAY.format(d) : day;
}

/** "Jun 2, 2026" (a day or an instant). */
export function mediumDay(dayOrInstant: string | null | undefined): string {
  if (!dayOrInstant) return '';
  const d = date(dayOrInstant);
  return d ? MEDIUM_DAY.format(d) : '';
}

/** "June 2026" for `2026-06`. */
export function monthName(key: string): string {
  const d = date(`${key}-01`);
  return d ? MONTH.format(d) : key;
}

/** The day before `end` (periods hold an exclusive end). */
function lastDayOf(p: Period): string {
  const d = date(p.end);
  return d ? new Date(d.getTime() - 86_400_000).toISOString().slice(0, 10) : p.end;
}

/** "Week 23, 2026" */
export function weekName(key: string): string {
  const [year, week] = key.split('-W');
  return `Week ${Number(week)}, ${year}`;
}

/** "Jun 1 – Jun 7, 2026" */
export function dayRange(p: Period): string {
  const first = date(p.start);
  const last = date(lastDayOf(p));
  if (!first || !last) return `${p.start} – ${lastDayOf(p)}`;
  return `${MONTH_DAY.format(first)} – ${MEDIUM_DAY.format(last)}`;
}

/** The heading of a period's list. */
export function periodTitle(p: Period): string {
  if (p.kind === 'day') return fullDay(p.key);
  if (p.kind === 'week') return weekName(p.key);
  return monthName(p.key);
}

/** A short name for previous/next links. */
export function periodShortName(p: Period): string {
  if (p.kind === 'day') return shortDay(p.key);
  if (p.kind === 'week') return `Week ${Number(p.key.split('-W')[1])}`;
  return monthName(p.key);
}

/** 1234 -> "1.2K"; small numbers as they are. */
export function compactNumber(n: number): string {
  return n < 1000 ? String(n) : COMPACT.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString(LOCALE)} ${n === 1 ? one : many}`;
}

/** The verb that agrees with a count: `${plural(n, 'comment')} ${agree(n, 'is', 'are')}`. */
export function agree(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** Plain text cut at a word boundary, for `<meta name="description">`. */
export function snippet(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}
