// Imported Hugging Face profiles stay foreign: a Daily Papers file that names a local member's user
// name as a verified author or as the submitter neither makes them an author nor touches their profile
// nor credits them; pages say "on Hugging Face"; the API still shows the imported user objects; and a
// store migrated from before keeps its data with the links moved to identities.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrate.ts';
import { getPage, makeMember, postForm, signedIn, type TestMember } from '../support/members.ts';
import { text, writeDaily } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const DAY = '2026-06-03';
const PAPER = '2606.50001';
let t: TestApp;
let dir: string;
let alice: TestMember;
let admin: TestMember;

function hostileFile(): string {
  return writeDaily(dir, DAY, [
    {
      paper: {
        id: PAPER,
        title: 'A paper whose file names local members',
        summary: 'Nothing to see.',
        authors: [
          {
            _id: 'a1',
            name: 'Alice Author',
            user: { _id: 'hf-alice-id', user: 'alice', name: 'alice', fullname: 'Alice on HF', avatarUrl: 'https://example.org/a.png' },
            status: 'claimed_verified',
            statusLastChangedAt: '2026-06-01T00:00:00.000Z',
          },
          { _id: 'a2', name: 'Bob Builder' },
        ],
        publishedAt: '2026-06-01T00:00:00.000Z',
        submittedOnDailyAt: `${DAY}T08:00:00.000Z`,
        submittedOnDailyBy: {
          _id: 'hf-root-id',
          user: 'root',
          name: 'root',
          fullname: 'Fake Root',
          avatarUrl: 'https://evil.example/r.png',
        },
        upvotes: 4,
      },
      submittedBy: { _id: 'hf-root-id', user: 'root', name: 'root', fullname: 'Fake Root', avatarUrl: 'https://evil.example/r.png' },
      publishedAt: `${DAY}T08:00:00.000Z`,
      title: 'A paper whose file names local members',
      summary: 'Nothing to see.',
      numComments: 0,
    },
  ]);
}

beforeEach(async () => {
  t = await buildTestApp();
  dir = mkdtempSync(join(tmpdir(), 'folio-ids-'));
  alice = await makeMember(t.store, { username: 'alice' });
  admin = await makeMember(t.store, { username: 'root', role: 'admin' });
});
afterEach(async () => {
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('imported identities', () => {
  it('never make a local member an author, touch their profile or credit them', async () => {
    await importFiles(t.store.db, [hostileFile()]);
    const authors = await t.store.db.selectFrom('authors').selectAll().where('paper_id', '=', PAPER).orderBy('position').execute();
    expect(authors[0]?.user_id).toBeNull();
    expect(authors[0]?.status).toBeNull();
    expect(authors[0]?.hf_status).toBe('claimed_verified');
    const root = await t.store.db.selectFrom('users').selectAll().where('id', '=', admin.id).executeTakeFirstOrThrow();
    expect(root.fullname).toBeNull();
    expect(root.avatar_url).toBeNull();
    const entry = await t.store.db.selectFrom('daily_entries').selectAll().where('paper_id', '=', PAPER).executeTakeFirstOrThrow();
    expect(entry.submitted_by).toBeNull();
    const ids = await t.store.db.selectFrom('hf_identities').select(['hf_id', 'username']).orderBy('username').execute();
    expect(ids).toEqual([
      { hf_id: 'hf-alice-id', username: 'alice' },
      { hf_id: 'hf-root-id', username: 'root' },
    ]);

    // Alice is no author here: she cannot set the paper's GitHub link...
    const b = await signedIn(t.store, alice.id);
    const links = await postForm(t.app, `/papers/${PAPER}/links`, { github_repo: 'https://github.com/evil/x' }, b);
    expect(links.statusCode).toBe(403);
    expect(
      (await t.store.db.selectFrom('papers').select('github_repo').where('id', '=', PAPER).executeTakeFirstOrThrow()).github_repo,
    ).toBeNull();
    // ...but may claim the authorship through the claim flow, which an admin decides.
    expect((await postForm(t.app, `/papers/${PAPER}/claim`, { position: '0' }, b)).statusCode).toBe(303);
    // The root admin's submissions page holds nothing imported.
    const subs = await getPage(t.app, '/submitters/root');
    expect(subs.status).toBe(200);
    expect(subs.root.querySelector('[data-paper-link]')).toBeNull();
  });

  it('shows "verified on Hugging Face" and the Hugging Face submitter on pages; the API keeps the imported users', async () => {
    await importFiles(t.store.db, [hostileFile()]);
    const page = await getPage(t.app, `/papers/${PAPER}`);
    const li = page.root.querySelectorAll('.author-list li').find((l) => text(l).startsWith('Alice Author'));
    expect(li?.querySelector('a.claimed--hf')?.getAttribute('href')).toBe('/huggingface/alice');
    expect(text(li)).toContain('verified on Hugging Face');
    expect(page.root.querySelector('.author-list a[href="/submitters/alice"]')).toBeNull();
    expect(page.root.querySelector('.facts__by a')?.getAttribute('href')).toBe('/huggingface/root');
    expect(text(page.root.querySelector('.facts__by'))).toContain('Fake Root on Hugging Face');
    const hf = await getPage(t.app, '/huggingface/root');
    expect(hf.status).toBe(200);
    expect(text(hf.root.querySelector('.list-head__sub'))).toContain('not a member of this site');

    const api = (await t.app.inject({ url: `/api/papers/${PAPER}` })).json();
    expect(api.authors[0]).toMatchObject({
      status: 'claimed_verified',
      statusLastChangedAt: '2026-06-01T00:00:00.000Z',
      user: { _id: 'hf-alice-id', user: 'alice', fullname: 'Alice on HF', avatarUrl: 'https://example.org/a.png' },
    });
    const daily = (await t.app.inject({ url: `/api/daily_papers?date=${DAY}` })).json();
    expect(daily[0].submittedBy).toMatchObject({ _id: 'hf-root-id', user: 'root', fullname: 'Fake Root' });
    expect(daily[0].paper.submittedOnDailyBy).toMatchObject({ _id: 'hf-root-id', user: 'root' });
    expect((await t.app.inject({ url: '/api/daily_papers?submitter=root' })).json()).toHaveLength(1);
  });

  it('keep a claim confirmed here when a later file says otherwise', async () => {
    await importFiles(t.store.db, [hostileFile()]);
    const b = await signedIn(t.store, alice.id);
    await postForm(t.app, `/papers/${PAPER}/claim`, { position: '0' }, b);
    const claim = await t.store.db.selectFrom('author_claims').select('id').executeTakeFirstOrThrow();
    const a = await signedIn(t.store, admin.id);
    expect((await postForm(t.app, `/admin/claims/${claim.id}`, { decision: 'confirm', reason: 'ORCID' }, a)).statusCode).toBe(303);
    await importFiles(t.store.db, [hostileFile()]);
    const row = await t.store.db
      .selectFrom('authors')
      .selectAll()
      .where('paper_id', '=', PAPER)
      .where('position', '=', 0)
      .executeTakeFirstOrThrow();
    expect(row.user_id).toBe(alice.id);
    const api = (await t.app.inject({ url: `/api/papers/${PAPER}` })).json();
    expect(api.authors[0].user.user).toBe('alice');
    expect(api.authors[0].user._id).not.toBe('hf-alice-id');
  });
});

describe('migration 0008', () => {
  it('moves imported profiles and the links a file made to members into identities, and keeps claims made here', async () => {
    const dirM = mkdtempSync(join(tmpdir(), 'folio-m8-'));
    const file = new SQLite(join(dirM, 'folio.sqlite'));
    file.pragma('foreign_keys = ON');
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: file }) });
    try {
      const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '0008'));
      await migrateToLatest(db, 'sqlite', before);
      const now = '2026-06-01T00:00:00.000Z';
      // Users 1 (imported only), 2 (a member an import merged into), 3 (a member with a real claim).
      await sql`insert into users (id, username, fullname, avatar_url, hf_id, is_pro, created_at) values
        (1, 'hfonly', 'HF Only', null, 'hf-1', 0, ${now}), (2, 'root', 'Fake Root', null, 'hf-2', 0, ${now}),
        (3, 'ada', null, null, null, 0, ${now})`.execute(db);
      for (const id of [2, 3]) {
        await sql`insert into accounts (user_id, email, password_hash, email_confirmed_at, role, created_at, password_changed_at)
          values (${id}, ${`u${id}@example.org`}, 'x', ${now}, 'member', ${now}, ${now})`.execute(db);
      }
      await sql`insert into papers (id, title, abstract, meta_stamp, created_at, changed_at) values ('2601.00001', 'T', 'A', 's', ${now}, ${now})`.execute(
        db,
      );
      await sql`insert into authors (paper_id, position, name, user_id, status) values
        ('2601.00001', 0, 'A', 1, 'claimed_verified'), ('2601.00001', 1, 'B', 2, 'claimed_verified'),
        ('2601.00001', 2, 'C', 3, 'claimed_verified')`.execute(db);
      await sql`insert into author_claims (paper_id, position, user_id, status, created_at) values ('2601.00001', 2, 3, 'confirmed', ${now})`.execute(
        db,
      );
      await sql`insert into daily_entries (paper_id, day, added_at, announced_at, submitted_by) values
        ('2601.00001', '2026-06-01', ${now}, ${now}, 2), ('2601.00001', '2026-06-02', ${now}, null, 3)`.execute(db);

      await migrateToLatest(db, 'sqlite');
      const ids = await sql<{
        id: number;
        hf_id: string;
        username: string;
      }>`select id, hf_id, username from hf_identities order by username`.execute(db);
      expect(ids.rows.map((r) => [r.hf_id, r.username])).toEqual([
        ['hf-1', 'hfonly'],
        ['hf-2', 'root'],
      ]);
      const idOf = (u: string) => ids.rows.find((r) => r.username === u)?.id;
      const authors = await sql<
        Record<string, unknown>
      >`select position, user_id, status, hf_identity_id, hf_status from authors order by position`.execute(db);
      expect(authors.rows).toEqual([
        { position: 0, user_id: null, status: null, hf_identity_id: idOf('hfonly'), hf_status: 'claimed_verified' },
        { position: 1, user_id: null, status: null, hf_identity_id: idOf('root'), hf_status: 'claimed_verified' },
        { position: 2, user_id: 3, status: 'claimed_verified', hf_identity_id: null, hf_status: null },
      ]);
      const entries = await sql<Record<string, unknown>>`select day, submitted_by, hf_submitted_by from daily_entries order by day`.execute(
        db,
      );
      expect(entries.rows).toEqual([
        { day: '2026-06-01', submitted_by: null, hf_submitted_by: idOf('root') },
        { day: '2026-06-02', submitted_by: 3, hf_submitted_by: null },
      ]);
      // The imported-only profile is gone from the members' table; the members stay.
      const users = await sql<{ username: string }>`select username from users order by id`.execute(db);
      expect(users.rows.map((r) => r.username)).toEqual(['root', 'ada']);
    } finally {
      await db.destroy();
      rmSync(dirM, { recursive: true, force: true });
    }
  });
});
