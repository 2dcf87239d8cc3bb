// Validates `folio ingest arxiv` options before anything is written: a bad date, set, URL or delay is
// refused with a message, and no harvest row is created.
import type { HarvestOptions } from '../actions/harvest-arxiv.ts';
import { type Config, ConfigError } from '../config.ts';
import { parseDay } from '../domain/periods.ts';

const SET = /^[a-z-]+(?::[a-zA-Z-]+)*$/;

export function parseIngestOptions(
  raw: Record<string, string | boolean | undefined>,
  config: Config,
): HarvestOptions & { resume: boolean } {
  const problems: string[] = [];
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  const set = str('set');
  const from = str('from');
  const until = str('until');
  const endpoint = str('endpoint') ?? config.arxivOaiUrl;
  const delay = str('delay') === undefined ? config.arxivDelay : Number(str('delay'));
  const resume = raw.resume === true;
  if (set !== undefined && !SET.test(set)) problems.push(`--set ${JSON.stringify(set)}: sets look like cs, math or physics:hep-th`);
  if (from !== undefined && !parseDay(from)) problems.push(`--from ${JSON.stringify(from)}: expected a day YYYY-MM-DD`);
  if (until !== undefined && !parseDay(until)) problems.push(`--until ${JSON.stringify(until)}: expected a day YYYY-MM-DD`);
  if (from && until && parseDay(from) && parseDay(until) && from > until) problems.push('--from is after --until');
  try {
    const u = new URL(endpoint);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`--endpoint ${endpoint}: not an http(s) URL`);
  } catch {
    problems.push(`--endpoint ${JSON.stringify(endpoint)}: not a URL`);
  }
  if (!Number.isFinite(delay) || delay < 0 || delay > 600) problems.push(`--delay ${str('delay')}: expected seconds from 0 to 600`);
  if (!resume && set === undefined) problems.push('--set is required (or --resume)');
  if (!resume && from === undefined) problems.push('--from is required (or --resume)');
  if (problems.length) throw new ConfigError(problems.join('\n  '));
  return {
    endpoint,
    metadataPrefix: raw.metadata === 'arXivRaw' ? 'arXivRaw' : 'arXiv',
    delayMs: Math.round(delay * 1000),
    resume,
    ...(set !== undefined ? { set } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}
