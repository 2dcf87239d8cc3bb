// A real SMTP server in the test process (the `smtp-server` package) on 127.0.0.1: it records every
// message it accepted, answers chosen recipients with 4xx/5xx, can hold a message before accepting it
// (so a test can kill the sender at that exact point), and goes down and up on the same port.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface Received {
  /** The envelope: MAIL FROM and RCPT TO, as the server saw them. */
  from: string;
  to: string[];
  raw: string;
  messageId: string | undefined;
  /** Header names of the message, lower-case, in order. */
  headerNames: string[];
}

export interface TestSmtp {
  port: number;
  url: string;
  received: Received[];
  /** RCPT TO replies for chosen addresses, e.g. 550 or 451. */
  rcptReply: Map<string, { code: number; message: string }>;
  /**
   * Called with each message before the server answers it; the answer waits for the promise. Returning
   * 'refuse' answers 451 (not accepted).
   */
  beforeAccept?: (to: string[], raw: string) => Promise<'accept' | 'refuse' | undefined> | undefined;
  /** Called after a message was accepted (250 sent). */
  afterAccept?: (r: Received) => void;
  /** Recipients seen at RCPT TO (accepted or not), for counting attempts. */
  attempts: string[];
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when `n` messages were accepted in all (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<void>;
}

function headerBlock(raw: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  return end < 0 ? raw : raw.slice(0, end);
}

export function parseHeaders(raw: string): { name: string; value: string }[] {
  const unfolded = headerBlock(raw).replace(/\r?\n[ \t]+/g, ' ');
  return unfolded
    .split(/\r?\n/)
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf(':');
      return { name: l.slice(0, i).trim(), value: l.slice(i + 1).trim() };
    });
}

export async function startSmtp(): Promise<TestSmtp> {
  let server: SMTPServer | undefined;
  let port = 0;
  const t: TestSmtp = {
    port: 0,
    url: '',
    received: [],
    rcptReply: new Map(),
    attempts: [],
    down: async () => {
      const s = server;
      server = undefined;
      if (!s) return;
      for (const c of s.connections) (c as unknown as { close(): void }).close();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    up: async () => {
      if (server) return;
      server = make();
      await new Promise<void>((resolve, reject) => {
        server?.server.once('error', reject);
        server?.listen(port, '127.0.0.1', () => resolve());
      });
      port = (server.server.address() as AddressInfo).port;
      t.port = port;
      t.url = `smtp://127.0.0.1:${port}`;
    },
    close: async () => t.down(),
    waitFor: (n, ms = 20_000) =>
      new Promise((resolve, reject) => {
        const start = Date.now();
        const tick = () => {
          if (t.received.length >= n) return resolve();
          if (Date.now() - start > ms) return reject(new Error(`only ${t.received.length} of ${n} messages arrived`));
          setTimeout(tick, 20);
        };
        tick();
      }),
  };

  /** Sessions whose client went away: a message held past that point was never accepted. */
  const closed = new Set<string>();

  function make(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 200,
      size: 10 * 1024 * 1024,
      onClose(session) {
        closed.add(session.id);
      },
      onRcptTo(address, _session, callback) {
        const a = address.address.toLowerCase();
        t.attempts.push(a);
        const r = t.rcptReply.get(a);
        if (r) {
          const err = new Error(r.message) as Error & { responseCode: number };
          err.responseCode = r.code;
          return callback(err);
        }
        callback();
      },
      onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const decide = t.beforeAccept?.(to, raw) ?? Promise.resolve(undefined);
          void decide.then((d) => {
            if (closed.has(session.id)) return callback(new Error('client gone'));
            if (d === 'refuse') {
              const err = new Error('try again later') as Error & { responseCode: number };
              err.responseCode = 451;
              return callback(err);
            }
            const headers = parseHeaders(raw);
            const r: Received = {
              from,
              to,
              raw,
              messageId: headers.find((h) => h.name.toLowerCase() === 'message-id')?.value,
              headerNames: headers.map((h) => h.name.toLowerCase()),
            };
            t.received.push(r);
            callback();
            t.afterAccept?.(r);
          });
        });
      },
    });
  }

  await t.up();
  return t;
}
