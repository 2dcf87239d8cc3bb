// A member chooses how lists show papers; the choice is kept with their account.
import type { Kysely } from 'kysely';
import { setListView } from '../db/queries/members.ts';
import type { Database } from '../db/schema.ts';
import type { ListView } from '../domain/list-view.ts';

export async function chooseListView(p: { db: Kysely<Database>; userId: number; view: ListView }): Promise<void> {
  await setListView(p.db, p.userId, p.view);
}
