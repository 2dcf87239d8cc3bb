import { describe, expect, it } from 'vitest';
import { daysBetween, parseDay, parseMonth, parsePeriod, parseWeek, periodContaining, weekKeyOf } from '../../src/domain/periods.ts';

describe('days', () => {
  it('accepts real calendar days only', () => {
    expect(parseDay('2026-06-02')).toBe('2026-06-02');
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
    for (const bad of [
      '2026-02-29',
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '2026-6-2',
      '20260602',
      '2026-06-02T00:00',
      '',
      'today',
      '0000-01-01',
      '9999-12-31',
      null,
      20260602,
    ]) {
      expect(parseDay(bad)).toBeNull();
    }
  });

  it('a day period runs to the next day', () => {
    expect(parsePeriod('day', '2026-12-31')).toEqual({ kind: 'day', key: '2026-12-31', start: '2026-12-31', end: '2027-01-01' });
  });
});

describe('ISO weeks', () => {
  it('knows weeks that cross year ends', () => {
    // 2026-01-01 is a Thursday: ISO week 1 of 2026 starts on Monday 2025-12-29.
    expect(parseWeek('2026-W01')).toEqual({ kind: 'week', key: '2026-W01', start: '2025-12-29', end: '2026-01-05' });
    expect(weekKeyOf('2025-12-29')).toBe('2026-W01');
    // 2021-01-03 (Sunday) still belongs to 2020's week 53.
    expect(weekKeyOf('2021-01-03')).toBe('2020-W53');
    expect(parseWeek('2020-W53')).toEqual({ kind: 'week', key: '2020-W53', start: '2020-12-28', end: '2021-01-04' });
    // 2027-01-01 (Friday) belongs to 2026-W53.
    expect(weekKeyOf('2027-01-01')).toBe('2026-W53');
    expect(weekKeyOf('2024-12-30')).toBe('2025-W01');
  });

  it('refuses weeks a year does not have', () => {
    expect(parseWeek('2025-W53')).toBeNull(); // 2025 has 52 weeks
    expect(parseWeek('2026-W53')).not.toBeNull(); // 2026 has 53
    for (const bad of ['2026-W00', '2026-W54', '2026-W1', '2026W01', '2026-w01', '', 'x']) expect(parseWeek(bad)).toBeNull();
  });

  it('every day of a week maps back to that week', () => {
    const w = parseWeek('2026-W23');
    expect(w).not.toBeNull();
    for (let i = 0; i < 7; i++) {
      const d = new Date(Date.parse(`${w?.start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
      expect(weekKeyOf(d)).toBe('2026-W23');
    }
  });
});

describe('months', () => {
  it('parses and bounds months', () => {
    expect(parseMonth('2026-12')).toEqual({ kind: 'month', key: '2026-12', start: '2026-12-01', end: '2027-01-01' });
    expect(parseMonth('2024-02')?.end).toBe('2024-03-01');
    for (const bad of ['2026-13', '2026-00', '2026-1', '202601', '']) expect(parseMonth(bad)).toBeNull();
  });

  it('finds the period that contains a day', () => {
    expect(periodContaining('month', '2026-06-15').key).toBe('2026-06');
    expect(periodContaining('week', '2026-06-02').key).toBe('2026-W23');
    expect(periodContaining('day', '2026-06-02').end).toBe('2026-06-03');
    expect(daysBetween('2026-05-28', '2026-06-11')).toBe(14);
  });
});
