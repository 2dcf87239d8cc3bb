// Organisations and their members, and linking a paper to an organisation, a GitHub repo or a project
// page. Who may do what:
//   - create an organisation: admins;
//   - add or remove members: admins and the organisation's own admins; anyone may leave;
//   - link a paper: admins, and the paper's confirmed authors (to an organisation only if they are
//     one of its members, so that nobody puts their paper under a lab they do not belong to).
import type { Kysely } from 'kysely';
import { getMemberByUsername, type Member } from '../db/queries/members.ts';
import { findOrgByName } from '../db/queries/papers.ts';
import type { Database, OrgRole } from '../db/schema.ts';
import { USERNAME_RE } from '../domain/accounts.ts';
import { normaliseGithubRepo, normaliseProjectPage } from '../domain/links.ts';
import { isAdmin } from '../domain/roles.ts';
import { ActionError, invalidField, throwProblems, throwRefusals } from './errors.ts';
import { logAction } from './moderation-log.ts';

type Db = Kysely<Database>;

/** An organisation's full name, shown in its page's heading. */
export const MAX_ORG_FULLNAME_CHARS = 100;

const isOrgRole = (r: string): r is OrgRole => r === 'admin' || r === 'member';

export interface OrgMemberView {
  user_id: number;
  username: string;
  fullname: string | null;
  avatar_url: string | null;
  role: OrgRole;
}

export async function orgMembers(db: Db, orgId: number): Promise<OrgMemberView[]> {
  return db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.username', 'u.fullname', 'u.avatar_url', 'm.role'])
    .where('m.org_id', '=', orgId)
    .orderBy('m.role')
    .orderBy('u.username')
    .execute();
}

export async function orgRoleOf(db: Db, orgId: number, userId: number): Promise<OrgRole | undefined> {
  const r = await db.selectFrom('org_members').select('role').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
  return r?.role;
}

const noOrg = (name: string) => `There is no organization “${name.slice(0, 80)}”.`;

async function orgByName(db: Db, name: string) {
  const o = await findOrgByName(db, name);
  if (!o) throw new ActionError(404, noOrg(name), 'no_org');
  return o;
}

export async function createOrganization(p: {
  db: Db;
  actor: Member;
  name: string;
  fullname: string;
  now?: Date;
}): Promise<{ id: number }> {
  if (!isAdmin(p.actor.role)) throw new ActionError(403, 'Only admins create organizations.', 'forbidden');
  const name = p.name.trim();
  const fullname = p.fullname.trim();
  throwProblems({
    name: !name
      ? 'Give the organization a short name: it is its address, /orgs/name.'
      : USERNAME_RE.test(name)
        ? null
        : 'An organization name has 2 to 39 letters, digits, "-" or "_".',
    fullname: fullname.length > MAX_ORG_FULLNAME_CHARS ? `A full name has at most ${MAX_ORG_FULLNAME_CHARS} characters.` : null,
  });
  const now = (p.now ?? new Date()).toISOString();
  return p.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('organizations').select('id').where('name', '=', name).executeTakeFirst();
    if (taken) throw invalidField('name', `The organization “${name}” exists already.`, 'org_taken', 409);
    const o = await trx
      .insertInto('organizations')
      .values({ name, fullname: fullname || null, avatar: null, hf_id: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('org_members').values({ org_id: o.id, user_id: p.actor.id, role: 'admin', created_at: now }).execute();
    await logAction(trx, { actorId: p.actor.id, action: 'org.create', targetType: 'org', targetId: name, reason: 'created', now });
    return { id: o.id };
  });
}

async function mayManage(db: Db, actor: Member, orgId: number): Promise<boolean> {
  return isAdmin(actor.role) || (await orgRoleOf(db, orgId, actor.id)) === 'admin';
}

export async function addOrgMember(p: {
  db: Db;
  actor: Member;
  orgName: string;
  username: string;
  role: string;
  now?: Date;
}): Promise<void> {
  const org = await orgByName(p.db, p.orgName);
  if (!(await mayManage(p.db, p.actor, org.id))) throw new ActionError(403, 'Only the organization’s admins may add members.', 'forbidden');
  const username = p.username.trim().replace(/^@/, '');
  const target = username ? await getMemberByUsername(p.db, username) : undefined;
  const role = isOrgRole(p.role) ? p.role : undefined;
  const refusals: ActionError[] = [];
  if (!username) refusals.push(invalidField('username', 'Give the username of the member to add.', 'invalid_username'));
  else if (!target) {
    refusals.push(invalidField('username', `There is no member “${username.slice(0, 40)}” with an account here.`, 'no_member', 404));
  }
  if (!role) refusals.push(invalidField('role', 'A member’s role is "member" or "admin".', 'invalid_role'));
  // Both at once: a mistyped username and a role sent altered are said together.
  if (!target || !role) return throwRefusals(refusals);
  const now = (p.now ?? new Date()).toISOString();
  await p.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('org_members')
      .values({ org_id: org.id, user_id: target.id, role, created_at: now })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ role }))
      .execute();
    await logAction(trx, {
      actorId: p.actor.id,
      action: 'org.member.add',
      targetType: 'org',
      targetId: `${org.name}:${target.username}`,
      reason: role,
      now,
    });
  });
}

export async function removeOrgMember(p: { db: Db; actor: Member; orgName: string; userId: number; now?: Date }): Promise<void> {
  const org = await orgByName(p.db, p.orgName);
  if (p.actor.id !== p.userId && !(await mayManage(p.db, p.actor, org.id))) {
    throw new ActionError(403, 'Only the organization’s admins may remove members.', 'forbidden');
  }
  const now = (p.now ?? new Date()).toISOString();
  await p.db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('org_members').where('org_id', '=', org.id).where('user_id', '=', p.userId).executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw new ActionError(404, 'This person is not a member of the organization.', 'no_member');
    await logAction(trx, {
      actorId: p.actor.id,
      action: 'org.member.remove',
      targetType: 'org',
      targetId: `${org.name}:${p.userId}`,
      reason: 'removed',
      now,
    });
  });
}

export interface LinkProps {
  db: Db;
  actor: Member;
  paperId: string;
  /** An organisation's name; '' removes the link; undefined leaves it. */
  organization?: string;
  githubRepo?: string;
  projectPage?: string;
  now?: Date;
}

/** Whether the member is a confirmed author of the paper. */
export async function isAuthorOf(db: Db, userId: number, paperId: string): Promise<boolean> {
  const r = await db
    .selectFrom('authors')
    .select('position')
    .where('paper_id', '=', paperId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r !== undefined;
}

export async function linkPaper(p: LinkProps): Promise<void> {
  const admin = isAdmin(p.actor.role);
  if (!admin && !(await isAuthorOf(p.db, p.actor.id, p.paperId))) {
    throw new ActionError(403, 'Only the paper’s confirmed authors and admins may change its links.', 'forbidden');
  }
  const set: { organization_id?: number | null; github_repo?: string | null; project_page?: string | null } = {};
  // Every field's refusal at once, named as the links form names its fields.
  const refusals: ActionError[] = [];
  if (p.organization !== undefined) {
    const name = p.organization.trim();
    if (!name) set.organization_id = null;
    else {
      const org = await findOrgByName(p.db, name);
      if (!org) refusals.push(invalidField('organization', noOrg(name), 'no_org', 404));
      else if (!admin && !(await orgRoleOf(p.db, org.id, p.actor.id))) {
        refusals.push(invalidField('organization', `Only members of “${org.name}” may link papers to it.`, 'not_org_member', 403));
      } else set.organization_id = org.id;
    }
  }
  if (p.githubRepo !== undefined) {
    if (!p.githubRepo.trim()) set.github_repo = null;
    else {
      const repo = normaliseGithubRepo(p.githubRepo);
      if (!repo)
        refusals.push(invalidField('github_repo', 'A GitHub repository looks like https://github.com/owner/name.', 'invalid_repo'));
      else set.github_repo = repo;
    }
  }
  if (p.projectPage !== undefined) {
    if (!p.projectPage.trim()) set.project_page = null;
    else {
      const page = normaliseProjectPage(p.projectPage);
      if (!page) {
        refusals.push(
          invalidField('project_page', 'A project page is an http(s) address, such as https://example.org/project.', 'invalid_url'),
        );
      } else set.project_page = page;
    }
  }
  throwRefusals(refusals);
  if (!Object.keys(set).length) return;
  const now = (p.now ?? new Date()).toISOString();
  await p.db.transaction().execute(async (trx) => {
    // A stamp later than any import's, so that re-importing files does not undo what members set.
    const r = await trx
      .updateTable('papers')
      .set({ ...set, community_stamp: `${now}|local`, changed_at: now })
      .where('id', '=', p.paperId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new ActionError(404, `There is no paper ${p.paperId}.`, 'no_paper');
    if (admin) {
      await logAction(trx, {
        actorId: p.actor.id,
        action: 'paper.link',
        targetType: 'paper',
        targetId: p.paperId,
        reason: JSON.stringify(set),
        now,
      });
    }
  });
}
