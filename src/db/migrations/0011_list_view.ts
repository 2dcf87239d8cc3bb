// A member's list view: `full` (title, abstract, thumbnail) or `compact` (one or two lines a paper),
// kept with the account so that it follows the member to every device they sign in on.
import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('list_view', 'text', (c) => c.notNull().defaultTo('full'))
    .execute();
}
