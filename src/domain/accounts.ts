// Rules for what members type into their account: usernames, emails, passwords, display names.
// Pure checks that return a message for the person, or null when the value is fine.
import { type PasswordContext, passwordWeakness } from './password-strength.ts';

export const MIN_PASSWORD_CHARS = 10;
/** Long enough for any passphrase; bounds the work a hostile request can ask of the hash. */
export const MAX_PASSWORD_CHARS = 200;
export const MAX_EMAIL_CHARS = 254;
export const MAX_FULLNAME_CHARS = 80;
/** As on GitHub and Hugging Face: letters, digits, `-` and `_`, starting with a letter or digit. */
export const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,38}$/;
/** Names that would read as the site speaking, or collide with paths. */
const RESERVED = new Set([
  'admin',
  'administrator',
  'api',
  'folio',
  'moderator',
  'mod',
  'root',
  'settings',
  'signin',
  'signout',
  'signup',
  'staff',
  'submit',
  'support',
  'system',
]);

/** A practical check (one @, a dot in the domain, no spaces or angle brackets), not RFC 5322. */
const EMAIL_RE = /^[^\s@<>"'(),;:\\[\]]+@[^\s@<>"'(),;:\\[\]]+\.[^\s@<>"'(),;:\\[\]]+$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailProblem(email: string): string | null {
  if (!email) return 'Enter your email address.';
  if (email.length > MAX_EMAIL_CHARS) return `An email address has at most ${MAX_EMAIL_CHARS} characters.`;
  if (!EMAIL_RE.test(email)) return 'That does not look like an email address (name@example.org).';
  return null;
}

export function usernameProblem(username: string): string | null {
  if (!username) return 'Choose a username.';
  if (!USERNAME_RE.test(username)) {
    return 'A username has 2 to 39 letters, digits, "-" or "_", and starts with a letter or a digit.';
  }
  if (RESERVED.has(username.toLowerCase())) return `The username "${username}" is reserved.`;
  return null;
}

/**
 * Length first (cheap, and it bounds the estimator's work), then how guessable the password is, given
 * what is known about its owner (a password made of one's own username or address is refused).
 */
export function passwordProblem(password: string, owner: PasswordContext = {}): string | null {
  if (password.length < MIN_PASSWORD_CHARS) return `A password has at least ${MIN_PASSWORD_CHARS} characters.`;
  if (password.length > MAX_PASSWORD_CHARS) return `A password has at most ${MAX_PASSWORD_CHARS} characters.`;
  return passwordWeakness(password, owner);
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Display names: any script, no control or bidi-override characters (they disguise names). */
export function fullnameProblem(name: string): string | null {
  if (name.length > MAX_FULLNAME_CHARS) return `A name has at most ${MAX_FULLNAME_CHARS} characters.`;
  if (CONTROL.test(name)) return 'A name cannot hold control characters.';
  return null;
}

/** A confirmation link works this long. */
export const CONFIRM_TOKEN_HOURS = 48;
/** A password reset link works this long: short, since it opens the account. */
export const RESET_TOKEN_MINUTES = 60;
/** A session's `last_seen_at` is refreshed at most this often (one write per hour, not per request). */
export const SESSION_TOUCH_MS = 60 * 60 * 1000;
