// Checks that the SMTP server of FOLIO_SMTP_URL answers and accepts Folio's login, without sending
// anything (EHLO, STARTTLS when offered, AUTH, QUIT), for `folio doctor`.
import nodemailer from 'nodemailer';

/** The doctor gives each SMTP step this long: a server that does not answer by then is "unreachable". */
export const SMTP_VERIFY_TIMEOUT_MS = 8000;

/** The SMTP URL without its password, for messages. */
export function smtpWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '587')}`;
  } catch {
    return 'FOLIO_SMTP_URL';
  }
}

export async function verifySmtp(url: string, timeoutMs = SMTP_VERIFY_TIMEOUT_MS): Promise<void> {
  const mailer = nodemailer.createTransport({
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await mailer.verify();
  } finally {
    mailer.close();
  }
}
