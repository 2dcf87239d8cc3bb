// How guessable a password is, by zxcvbn-ts (dictionaries of common passwords, words, names, keyboard
// patterns, dates, repeats), and what to tell the person when it is too weak. Pure: the estimate
// depends only on the password and the words passed in (the member's username, email and name, so
// that one's own address or name does not pass as a password).
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/**
 * zxcvbn scores 0 to 4; 3 is "safely unguessable: moderate protection from an offline slow-hash
 * scenario" (about 10^8 to 10^10 guesses), enough behind scrypt and the sign-in rate limits.
 */
export const MIN_PASSWORD_SCORE = 3;

/** The dictionaries are large (a few MB of word lists): built once, at the first check. */
let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
  });
  return estimator;
}

/** What is known about the member: words a password must not lean on. */
export interface PasswordContext {
  username?: string | undefined;
  email?: string | undefined;
  fullname?: string | undefined;
}

/** The words of the context, as the estimator takes them: whole values and their parts. */
export function userInputs(c: PasswordContext): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined) => {
    const s = v?.trim().toLowerCase();
    if (!s) return;
    out.add(s);
    for (const part of s.split(/[\s@._+-]+/)) if (part.length >= 3) out.add(part);
  };
  add(c.username);
  add(c.email);
  add(c.fullname);
  return [...out];
}

export function estimatePassword(password: string, c: PasswordContext = {}): ZxcvbnResult {
  return zxcvbn().check(password, userInputs(c));
}

/** Why the password is too easy to guess and what to do instead, or null when it is strong enough. */
export function passwordWeakness(password: string, c: PasswordContext = {}): string | null {
  const r = estimatePassword(password, c);
  if (r.score >= MIN_PASSWORD_SCORE) return null;
  const why = r.feedback.warning ? ` ${ensureStop(r.feedback.warning)}` : '';
  const tips = r.feedback.suggestions.map(ensureStop);
  const advice = tips.length ? ` ${tips.join(' ')}` : ' Add a few more uncommon words.';
  return `This password is too easy to guess.${why}${advice} A passphrase of four or five unrelated words works well.`;
}

function ensureStop(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
