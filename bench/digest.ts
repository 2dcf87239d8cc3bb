// Digest throughput for 10,000 subscribers (a tenth with topics): composing (delivery rows and mails
// written to the outbox, batch by batch), then sending them to a local SMTP server (smtp-server, in this
// process of its own, bench/smtp-sink.ts: it counts and drops the messages) and, without SMTP,
// into the outbox folder. One day's real Daily Papers list; SQLite (the embedded default).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { composeDigests } from '../src/actions/compose-digests.ts';
import { importFiles } from '../src/actions/import-files.ts';
import { loadConfig } from '../src/config.ts';
import { openStore, type Store } from '../src/db/connection.ts';
import { recomputeTrending } from '../src/db/queries/trending.ts';
import { type DigestPeriod, digestPeriod } from '../src/domain/digest.ts';
import { DEFAULT_TRENDING } from '../src/domain/trending.ts';
import { sendDueMails } from '../src/email/sender.ts';
import { outboxFileTransport, smtpTransport } from '../src/email/transport.ts';
import { addSubscribers } from '../test/support/digest.ts';
import { SHARED } from './import.ts';
import type { Row } from './table.ts';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const DAY = '2026-06-02';

async function subscribe(store: Store, n: number): Promise<void> {
  await addSubscribers(
    store,
    Array.from({ length: n }, (_, j) => ({
      email: `reader${j}@bench.example.org`,
      // One in ten has topics (Daily Papers files carry no arXiv categories: searches, then).
      queries: j % 20 === 1 ? ['language model'] : j % 20 === 0 ? ['agent', 'robot*'] : [],
    })),
  );
}

/** The SMTP server: bench/smtp-sink.ts in a child process (it counts and drops the messages). */
async function sink(): Promise<{ url: string; count: () => Promise<number>; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'bench/smtp-sink.ts'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error('the SMTP sink stopped')));
  });
  const count = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m) => resolve((m as { count: number }).count));
      child.send('count');
    });
  const close = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
    });
  return { url: `smtp://127.0.0.1:${port}`, count, close };
}

async function resetOutbox(store: Store): Promise<void> {
  await store.db
    .updateTable('outbox')
    .set({ status: 'pending', sent_at: null, attempts: 0, locked_by: null, locked_until: null })
    .execute();
}

export async function benchDigest(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-digest-'));
  const store = await openStore(dir);
  const server = await sink();
  try {
    await importFiles(store.db, [join(SHARED, 'hf-daily', `${DAY}.json`)]);
    await recomputeTrending(store.db, DEFAULT_TRENDING, new Date().toISOString());
    await subscribe(store, SUBSCRIBERS);
    const base = loadConfig(
      {},
      { dataDir: dir, baseUrl: 'https://papers.example.org', mailFrom: 'Folio <papers@example.org>', logLevel: 'silent' },
    );
    const period = digestPeriod('daily', DAY) as DigestPeriod;
    const rows: Row[] = [];

    const t0 = performance.now();
    const c = await composeDigests({ db: store.db, config: base, period });
    const composeS = (performance.now() - t0) / 1000;
    const size = await store.db
      .selectFrom('outbox')
      .select(sql<number>`sum(length(html_body) + length(text_body))`.as('b'))
      .executeTakeFirstOrThrow();
    rows.push({
      step: `compose (${c.papers} papers in the day; ${c.empty} subscribers without a match)`,
      messages: c.queued,
      seconds: composeS,
      'messages/s': Math.round(c.queued / composeS),
      'KB/message': Number(size.b) / c.queued / 1024,
    });

    for (const connections of [1, 3, 8]) {
      await resetOutbox(store);
      const before = await server.count();
      const config = { ...base, smtpUrl: server.url, smtpConnections: connections };
      const transport = smtpTransport(config);
      const t1 = performance.now();
      const r = await sendDueMails({ db: store.db, config, transport, worker: `bench-${connections}` });
      const sendS = (performance.now() - t1) / 1000;
      transport.close();
      const got = (await server.count()) - before;
      if (got !== r.sent) throw new Error(`the server got ${got} messages, the sender says ${r.sent}`);
      rows.push({
        step: `send over SMTP, ${connections} connection${connections > 1 ? 's' : ''}`,
        messages: r.sent,
        seconds: sendS,
        'messages/s': Math.round(r.sent / sendS),
        'KB/message': '',
      });
    }

    await resetOutbox(store);
    const files = outboxFileTransport(dir);
    const t2 = performance.now();
    const f = await sendDueMails({ db: store.db, config: base, transport: files, worker: 'bench-files' });
    const fileS = (performance.now() - t2) / 1000;
    rows.push({
      step: 'no SMTP: .eml files in the outbox folder',
      messages: f.sent,
      seconds: fileS,
      'messages/s': Math.round(f.sent / fileS),
      'KB/message': '',
    });
    return rows;
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
