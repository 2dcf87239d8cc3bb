// `npm run bench -- backup`: how long `folio backup` takes on a large SQLite store idle, and while a
// `folio serve` on the same folder takes about 12 and about 25 writes/s. BENCH_BACKUP_PAPERS sets the size
// (40,000 made-up papers is about 400 MB, the size of the instance where the old online backup needed
// 57 s under 25 writes/s against 1.9 s idle).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken } from '../src/actions/api-tokens.ts';
import { backup } from '../src/actions/backup.ts';
import { openStore, sqliteFile } from '../src/db/connection.ts';
import { storeBatch } from '../src/db/queries/store-papers.ts';
import { growStore } from '../test/support/large-store.ts';
import { sqliteServeEnv, startServe, waitReady } from '../test/support/serve.ts';
import type { Row } from './table.ts';

const PAPERS = Number(process.env.BENCH_BACKUP_PAPERS ?? 40_000);
const RATES = [0, 12, 25];
const PAPER = '2601.00001';

export async function benchBackup(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-backup-'));
  const store = await openStore(dir);
  await growStore(store, PAPERS);
  await storeBatch(store.db, {
    papers: [
      {
        id: PAPER,
        title: 'Bench paper',
        abstract: 'Commented on.',
        authors: [{ name: 'A. Bench' }],
        publishedAt: '2026-01-05T00:00:00.000Z',
        stamp: '2026-01-05',
      },
    ],
    entries: [],
  });
  // A plain user with an API token (the benches of members make them the same way; test helpers pull in vitest).
  const now = new Date().toISOString();
  const user = await store.db
    .insertInto('users')
    .values({ username: 'bench', fullname: null, avatar_url: null, hf_id: null, is_pro: 0, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await store.db
    .insertInto('accounts')
    .values({
      user_id: user.id,
      email: 'bench@example.org',
      password_hash: 'x',
      email_confirmed_at: now,
      role: 'member',
      suspended_at: null,
      suspended_reason: null,
      created_at: now,
      password_changed_at: now,
    })
    .execute();
  const token = (await createApiToken({ db: store.db, userId: user.id, name: 'bench', requireConfirmedEmail: false })).token;
  const env = sqliteServeEnv(dir);
  const server = await startServe(env);
  await waitReady(server);
  const mb = Math.round(statSync(sqliteFile(dir)).size / 1e6);
  const rows: Row[] = [];
  let idle = 0;
  try {
    for (const rate of RATES) {
      let sent = 0;
      let failed = 0;
      const pending: Promise<void>[] = [];
      const timer =
        rate > 0
          ? setInterval(() => {
              sent++;
              pending.push(
                fetch(`${server.base}/api/papers/${PAPER}/comments`, {
                  method: 'POST',
                  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                  body: JSON.stringify({ body: `bench comment ${sent}` }),
                }).then(
                  async (r) => {
                    await r.arrayBuffer();
                    if (r.status !== 201) failed++;
                  },
                  () => {
                    failed++;
                  },
                ),
              );
            }, 1000 / rate)
          : undefined;
      await new Promise((resolve) => setTimeout(resolve, rate ? 1000 : 0));
      const file = join(dir, `backup-${rate}.sqlite`);
      const t = performance.now();
      await backup(store, file);
      const s = (performance.now() - t) / 1000;
      if (timer) clearInterval(timer);
      await Promise.all(pending);
      if (rate === 0) idle = s;
      rows.push({
        'store MB': mb,
        'writes/s': rate,
        'backup s': Math.round(s * 100) / 100,
        'x idle': Math.round((s / idle) * 100) / 100,
        'writes sent': sent,
        'writes failed': failed,
      });
      rmSync(file, { force: true });
    }
  } finally {
    await server.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
