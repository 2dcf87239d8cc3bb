// `folio jobs`: the schedule with its next runs, then the recent jobs.
import type { Config } from '../config.ts';
import type { Store } from '../db/connection.ts';
import { dueText, recentJobs } from './queue.ts';
import { nextRun } from './schedule.ts';
import { scheduleEntries } from './setup.ts';

export async function describeJobs(config: Config, store: Store, limit: number): Promise<string> {
  const lines: string[] = ['scheduled:'];
  const entries = scheduleEntries(config);
  if (!entries.length) lines.push('  (nothing scheduled)');
  for (const e of entries) {
    lines.push(
      `  ${e.name.padEnd(18)} ${e.cron.padEnd(14)} ${e.timezone.padEnd(16)} next ${nextRun(e, new Date())?.toISOString() ?? 'never'}`,
    );
  }
  lines.push('', 'recent jobs:');
  const jobs = await recentJobs(store.db, limit);
  if (!jobs.length) lines.push('  (none yet)');
  for (const j of jobs) {
    const err = j.last_error ? `  last error: ${j.last_error.split('\n')[0]?.slice(0, 120)}` : '';
    lines.push(
      `  #${j.id} ${j.kind.padEnd(16)} ${j.state.padEnd(8)} due ${dueText(j.due_at)} attempts ${j.attempts}/${j.max_attempts}${err}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
