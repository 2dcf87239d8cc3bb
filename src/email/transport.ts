// How a queued mail leaves: through SMTP (nodemailer's pool) when FOLIO_SMTP_URL is set, or, without it,
// into the outbox folder (FOLIO_DATA_DIR/outbox/<id>.eml, the very bytes SMTP would carry). Both build
// the message with nodemailer from checked values only (address.ts); nothing is concatenated into a
// header here.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Config } from '../config.ts';
import { ALLOWED_HEADERS, displayName, headerValue, MailAddressError, type Mailbox, strictAddress } from './address.ts';
import type { OutboxMail } from './outbox.ts';

/** Time limits of one SMTP conversation; the sender's lease (FOLIO_MAIL_LEASE_SECONDS) must outlast them. */
export const SMTP_CONNECTION_TIMEOUT_MS = 30_000;
export const SMTP_GREETING_TIMEOUT_MS = 30_000;
export const SMTP_SOCKET_TIMEOUT_MS = 60_000;

export interface Transport {
  /** What `delivered_via` records: smtp, or outbox (kept for admins; not mailed). */
  via: 'smtp' | 'outbox';
  send(message: SendMailOptions, mail: OutboxMail): Promise<void>;
  close(): void;
}

/** The Message-ID a mail goes out with: its own (digests), or one derived from its row (same on every retry). */
export function messageIdOf(mail: OutboxMail, domain: string): string {
  if (mail.messageId) return mail.messageId;
  return `<folio.${mail.id}.${Date.parse(mail.createdAt) || 0}@${domain}>`;
}

/** The message for nodemailer; throws MailAddressError when a value could inject a header. */
export function buildMessage(mail: OutboxMail, sender: Mailbox, domain: string): SendMailOptions {
  const address = strictAddress(mail.to);
  const name = displayName(mail.toName);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(mail.headers ?? {})) {
    if (!ALLOWED_HEADERS.has(k)) throw new MailAddressError(`header ${JSON.stringify(k.slice(0, 40))} is not one Folio sends`);
    headers[k] = headerValue(String(v));
  }
  const messageId = headerValue(messageIdOf(mail, domain));
  if (!/^<[^<>\s@]+@[^<>\s@]+>$/.test(messageId)) throw new MailAddressError('malformed Message-ID');
  return {
    from: sender.name ? { name: sender.name, address: sender.address } : sender.address,
    to: name ? { name, address } : address,
    // The envelope names the one recipient explicitly: whatever a header says, RCPT TO is this address.
    envelope: { from: sender.address, to: [address] },
    subject: headerValue(mail.subject),
    text: mail.text,
    html: mail.html,
    messageId,
    headers,
    // Our mails never attach files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export function smtpTransport(config: Pick<Config, 'smtpUrl' | 'smtpConnections'>): Transport {
  if (!config.smtpUrl) throw new Error('smtpTransport: FOLIO_SMTP_URL is not set');
  const mailer = nodemailer.createTransport({
    pool: true,
    url: config.smtpUrl,
    maxConnections: config.smtpConnections,
    maxMessages: Number.POSITIVE_INFINITY,
    connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: SMTP_GREETING_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
  });
  return {
    via: 'smtp',
    async send(message) {
      await mailer.sendMail(message);
    },
    close() {
      mailer.close();
    },
  };
}

const streamer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** The whole message as it would travel (RFC 5322 bytes, CRLF line ends). */
export async function renderMessage(message: SendMailOptions): Promise<Buffer> {
  const info = await streamer.sendMail(message);
  return info.message as Buffer;
}

export function outboxDir(dataDir: string): string {
  return join(dataDir, 'outbox');
}

/** No SMTP: each mail becomes `<outbox dir>/<id>.eml` (written whole, then renamed into place). */
export function outboxFileTransport(dataDir: string): Transport {
  const dir = outboxDir(dataDir);
  mkdirSync(dir, { recursive: true });
  return {
    via: 'outbox',
    async send(message, mail) {
      const bytes = await renderMessage(message);
      const final = join(dir, `${mail.id}.eml`);
      const tmp = `${final}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, final);
    },
    close() {},
  };
}

export function transportFor(config: Pick<Config, 'smtpUrl' | 'smtpConnections' | 'dataDir'>): Transport {
  return config.smtpUrl ? smtpTransport(config) : outboxFileTransport(config.dataDir);
}

/**
 * What a failed send means:
 * - bounce: the server refused the recipient for good (5xx to RCPT TO): count it against the address;
 * - reject: the server refused this message for good (5xx to DATA): give the mail up, the address is fine;
 * - retry: a temporary refusal of this message (4xx to RCPT TO or DATA): try it again later;
 * - halt: the server or our settings are the problem (connection refused or lost, timeouts, TLS,
 *   authentication, a refused sender): stop this run and try everything again later.
 */
export type SendOutcome = 'bounce' | 'reject' | 'retry' | 'halt';

interface SmtpError {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

export function classifySendError(err: unknown): SendOutcome {
  const e = (err && typeof err === 'object' ? err : {}) as SmtpError;
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const cmd = e.command ?? '';
  if (rc !== undefined && cmd === 'RCPT TO') return rc >= 500 ? 'bounce' : 'retry';
  if (rc !== undefined && cmd === 'DATA') return rc >= 500 ? 'reject' : 'retry';
  if (e.code === 'EMESSAGE' && rc === undefined) return 'reject';
  // Greeting, EHLO, AUTH, MAIL FROM, connection and socket errors: not this recipient's doing.
  return 'halt';
}

/** One line for logs and the outbox's last_error (no credentials: nodemailer's messages hold none). */
export function errorLine(err: unknown): string {
  const e = (err && typeof err === 'object' ? err : {}) as SmtpError;
  return (e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 500);
}
