// docs/configuration.md is generated from the settings table in src/config.ts (`folio config-doc`),
// and a test checks that the committed file matches, so the reference never drifts from the code.
import { SETTINGS } from '../config.ts';

function defaultOf(schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }): string {
  const r = schema.safeParse(undefined);
  if (!r.success || r.data === undefined) return '(none)';
  const v = r.data;
  if (Array.isArray(v)) return `\`${v.join(',')}\``;
  if (typeof v === 'boolean') return v ? '`1`' : '`0`';
  return `\`${String(v)}\``;
}

export function configurationMarkdown(): string {
  const rows = Object.values(SETTINGS).map((s) => `| \`${s.env}\` | ${defaultOf(s.schema)} | ${s.doc.replace(/\|/g, '\\|')} |`);
  return [
    '# Configuration',
    '',
    'Every setting of Folio is an environment variable, read and validated once at start: a bad value',
    'stops the process with a message naming the variable. This page is generated from `src/config.ts`',
    '(`folio config-doc > docs/configuration.md`); edit the table there, not here.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
    'Booleans accept `1`/`0`, `true`/`false`, `yes`/`no`.',
    '',
  ].join('\n');
}
