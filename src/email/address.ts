// What may reach a mail header. Headers are only ever built through nodemailer's API (address objects,
// `subject`, `headers`), which encodes names and folds long lines; on top of that every value is checked
// here first, so that a CR/LF, a second address or an oversized value is refused outright rather than
// trusted to an encoder (header injection: "Bcc:" smuggled in a name or an address).
import type { Config } from '../config.ts';
import { emailProblem, MAX_EMAIL_CHARS, normaliseEmail } from '../domain/accounts.ts';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Display names longer than this are cut (a name is decoration; the address is what matters). */
export const MAX_DISPLAY_NAME_CHARS = 80;
/** Header values (subject, List-Unsubscribe) longer than this are refused: ours are far shorter. */
export const MAX_HEADER_CHARS = 2000;

/** Extra headers a queued mail may carry; anything else in the outbox row is refused by the sender. */
export const ALLOWED_HEADERS = new Set(['List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Id', 'Auto-Submitted', 'Precedence']);

export class MailAddressError extends Error {}

/** One plain address (`name@example.org`), lower-cased; throws on anything else (lists, names, CR/LF). */
export function strictAddress(raw: string): string {
  if (CONTROL.test(raw)) throw new MailAddressError('an address cannot hold control characters');
  const a = normaliseEmail(raw);
  if (a.length > MAX_EMAIL_CHARS) throw new MailAddressError(`an address has at most ${MAX_EMAIL_CHARS} characters`);
  const problem = emailProblem(a);
  if (problem) throw new MailAddressError(problem);
  return a;
}

/** A display name safe to hand to the encoder: control characters refused, length bounded. */
export function displayName(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  if (CONTROL.test(raw)) throw new MailAddressError('a name cannot hold control characters');
  const name = raw.trim().slice(0, MAX_DISPLAY_NAME_CHARS);
  return name || undefined;
}

/** A header value of our own making: one line, bounded. */
export function headerValue(raw: string): string {
  if (CONTROL.test(raw)) throw new MailAddressError('a header value cannot hold control characters');
  if (raw.length > MAX_HEADER_CHARS) throw new MailAddressError(`a header value has at most ${MAX_HEADER_CHARS} characters`);
  return raw;
}

export interface Mailbox {
  name?: string;
  address: string;
}

/** Parses `Name <address>` or `address` (FOLIO_MAIL_FROM). */
export function parseMailbox(raw: string): Mailbox {
  if (CONTROL.test(raw)) throw new MailAddressError('a sender cannot hold control characters (line breaks)');
  const s = raw.trim();
  const m = /^(.*?)\s*<([^<>]+)>$/.exec(s);
  if (!m) return { address: strictAddress(s) };
  const name = displayName((m[1] as string).replace(/^"(.*)"$/, '$1'));
  return { ...(name ? { name } : {}), address: strictAddress(m[2] as string) };
}

/** The sender of every mail: FOLIO_MAIL_FROM, or the site's name at no-reply@ the site's host. */
export function senderMailbox(config: Pick<Config, 'mailFrom' | 'siteName' | 'baseUrl'>): Mailbox {
  if (config.mailFrom) return parseMailbox(config.mailFrom);
  const host = new URL(config.baseUrl).hostname;
  // `localhost` has no dot, which the address check asks for; a sender must still be well-formed.
  const domain = host.includes('.') ? host : `${host}.localdomain`;
  const name = config.siteName.replace(CONTROL, ' ').trim();
  return { ...(name ? { name } : {}), address: `no-reply@${domain}` };
}

/** The domain of the sender's address: the right-hand side of Message-IDs. */
export function senderDomain(config: Pick<Config, 'mailFrom' | 'siteName' | 'baseUrl'>): string {
  return senderMailbox(config).address.split('@')[1] as string;
}

/** Checks FOLIO_MAIL_FROM at start (a bad sender must stop the process, not every mail). */
export function mailFromProblem(config: Pick<Config, 'mailFrom' | 'siteName' | 'baseUrl'>): string | null {
  try {
    senderMailbox(config);
    return null;
  } catch (e) {
    return `FOLIO_MAIL_FROM: ${(e as Error).message}`;
  }
}
