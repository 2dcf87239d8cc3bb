// The rules a submission to the daily list must pass, as a pure function of what is known about the
// paper, the member and the settings. Each refusal carries a status and a message for the person.
// Checked in this order, so that the most fundamental reason is the one given.
import { parseArxivId } from './arxiv-id.ts';
import { isTrusted, type Role } from './roles.ts';

export const DAY_MS = 86_400_000;

export interface SubmissionSettings {
  /** Days after arXiv publication a paper may still be submitted; 0: no limit. */
  maxAgeDays: number;
  /** Submissions per member per UTC day; 0: no limit. */
  perDay: number;
  trustedOnly: boolean;
  /** A paper already on a list may be put on another day's list. */
  allowRelist: boolean;
}

export interface SubmissionFacts {
  role: Role;
  now: Date;
  /** arXiv publication (ISO instant), when known. */
  publishedAt: string | null;
  /** Days of the lists the paper is already on (visible or hidden). */
  listedDays: string[];
  /** The paper was hidden by a moderator. */
  hidden: boolean;
  /** The member's submissions so far on the current UTC day. */
  submittedToday: number;
}

export type RefusalCode = 'not_trusted' | 'hidden' | 'duplicate' | 'too_old' | 'daily_cap';

export interface Refusal {
  code: RefusalCode;
  status: number;
  message: string;
  /** For `daily_cap`: seconds until the next day starts. */
  retryAfter?: number;
  /** The list the paper is already on (a duplicate), for a link to it. */
  listedDay?: string;
}

export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function readableDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
}

/** Longest text the submission field takes (a URL of arXiv is far shorter; more is not an id). */
export const MAX_SUBMISSION_INPUT_CHARS = 1000;
/** How much of what was typed a refusal quotes back (the field beside it shows the whole). */
const QUOTED_INPUT_CHARS = 80;
const ID_EXAMPLE = '2401.12345 or https://arxiv.org/abs/2401.12345';

/** What was typed into the submission field: an arXiv id, or why it is not one (said beside the field). */
export function submissionInput(input: string): { id: string } | { problem: string } {
  const typed = input.trim();
  if (!typed) return { problem: `Enter an arXiv id or URL, such as ${ID_EXAMPLE}.` };
  const parsed = parseArxivId(typed);
  if (parsed) return { id: parsed.id };
  // Cut by code points, so that the quote never ends in half a character.
  const quoted = [...typed].slice(0, QUOTED_INPUT_CHARS).join('');
  return { problem: `“${quoted}” is not an arXiv id or URL. Write it as ${ID_EXAMPLE}.` };
}

export function checkSubmission(f: SubmissionFacts, s: SubmissionSettings): Refusal | null {
  if (s.trustedOnly && !isTrusted(f.role)) {
    return { code: 'not_trusted', status: 403, message: 'On this site only trusted members may submit papers. Ask a moderator.' };
  }
  if (f.hidden) {
    return { code: 'hidden', status: 403, message: 'Moderators removed this paper from the lists; it cannot be submitted.' };
  }
  const today = utcDay(f.now);
  const listed = [...f.listedDays].sort();
  if (listed.includes(today) || (!s.allowRelist && listed.length)) {
    const day = listed.includes(today) ? today : (listed[listed.length - 1] as string);
    return { code: 'duplicate', status: 409, message: `This paper is already on the daily list (${readableDay(day)}).`, listedDay: day };
  }
  if (s.maxAgeDays > 0 && f.publishedAt) {
    const published = Date.parse(f.publishedAt);
    const ageDays = (f.now.getTime() - published) / DAY_MS;
    if (!Number.isNaN(published) && ageDays > s.maxAgeDays) {
      return {
        code: 'too_old',
        status: 422,
        message: `This paper appeared on arXiv on ${readableDay(f.publishedAt.slice(0, 10))}, ${Math.floor(ageDays)} days ago; papers can be submitted up to ${s.maxAgeDays} days after publication.`,
      };
    }
  }
  if (s.perDay > 0 && f.submittedToday >= s.perDay) {
    const tomorrow = Date.parse(`${today}T00:00:00Z`) + DAY_MS;
    return {
      code: 'daily_cap',
      status: 429,
      message: `You have submitted ${s.perDay} papers today, the most a member may per day. Try again tomorrow (UTC).`,
      retryAfter: Math.max(1, Math.ceil((tomorrow - f.now.getTime()) / 1000)),
    };
  }
  return null;
}
