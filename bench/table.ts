// Prints benchmark results as an aligned text table (and returns it, for the notes).
export type Row = Record<string, string | number>;

export function formatTable(title: string, rows: Row[]): string {
  if (!rows.length) return `${title}\n(no rows)\n`;
  const cols = Object.keys(rows[0] as Row);
  const cell = (v: string | number | undefined) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : (v ?? ''));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i] as number)).join('  ');
  return (
    [`## ${title}`, line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n') +
    '\n'
  );
}
