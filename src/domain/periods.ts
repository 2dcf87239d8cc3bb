// Days, ISO weeks and months: the three periods of the lists. All arithmetic is in UTC, since a
// Daily Papers day is a calendar date, not an instant.
import { UTCDate } from '@date-fns/utc';
import {
  addDays,
  addMonths,
  addWeeks,
  formatISO,
  getISOWeek,
  getISOWeeksInYear,
  getISOWeekYear,
  setISOWeek,
  startOfISOWeek,
  startOfISOWeekYear,
} from 'date-fns';

export type PeriodKind = 'day' | 'week' | 'month';

export interface Period {
  kind: PeriodKind;
  /** `2026-06-02`, `2026-W23` or `2026-06`. */
  key: string;
  /** First day, inclusive (`YYYY-MM-DD`). */
  start: string;
  /** Day after the last day, exclusive (`YYYY-MM-DD`). */
  end: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
/** Years outside this range are refused: no arXiv paper lives there and date libraries misbehave. */
const MIN_YEAR = 1990;
const MAX_YEAR = 2200;

export function dayString(d: Date): string {
  return formatISO(new UTCDate(d), { representation: 'date' });
}

function utc(y: number, m: number, d: number): UTCDate {
  return new UTCDate(Date.UTC(y, m - 1, d));
}

/** A valid calendar day `YYYY-MM-DD`, or null. */
export function parseDay(s: unknown): string | null {
  if (typeof s !== 'string') return null;
  const m = DAY.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1) return null;
  const date = utc(y, mo, d);
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? s : null;
}

export function dayPeriod(day: string): Period {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { kind: 'day', key: day, start: day, end: dayString(addDays(utc(y, m, d), 1)) };
}

export function weekKeyOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = utc(y, m, d);
  return `${getISOWeekYear(date)}-W${String(getISOWeek(date)).padStart(2, '0')}`;
}

export function monthKeyOf(day: string): string {
  return day.slice(0, 7);
}

/** Parses `YYYY-Www` (ISO 8601 week; W53 only in years that have one), or null. */
export function parseWeek(s: unknown): Period | null {
  if (typeof s !== 'string') return null;
  const m = WEEK.exec(s);
  if (!m) return null;
  const [y, w] = [Number(m[1]), Number(m[2])];
  if (y < MIN_YEAR || y > MAX_YEAR || w < 1) return null;
  const yearStart = startOfISOWeekYear(utc(y, 1, 4));
  if (w > getISOWeeksInYear(yearStart)) return null;
  const start = startOfISOWeek(setISOWeek(yearStart, w));
  return { kind: 'week', key: s, start: dayString(start), end: dayString(addWeeks(start, 1)) };
}

/** Parses `YYYY-MM`, or null. */
export function parseMonth(s: unknown): Period | null {
  if (typeof s !== 'string') return null;
  const m = MONTH.exec(s);
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12) return null;
  const start = utc(y, mo, 1);
  return { kind: 'month', key: s, start: dayString(start), end: dayString(addMonths(start, 1)) };
}

export function parsePeriod(kind: PeriodKind, key: unknown): Period | null {
  if (kind === 'day') {
    const d = parseDay(key);
    return d ? dayPeriod(d) : null;
  }
  return kind === 'week' ? parseWeek(key) : parseMonth(key);
}

/** The period of the given kind that contains `day`. */
export function periodContaining(kind: PeriodKind, day: string): Period {
  if (kind === 'day') return dayPeriod(day);
  const key = kind === 'week' ? weekKeyOf(day) : monthKeyOf(day);
  return parsePeriod(kind, key) as Period;
}

/** Number of whole days between two `YYYY-MM-DD` days (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
