// Organisation membership: `/orgs/{name}/members` and its add / remove forms.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addOrgMember, orgMembers, orgRoleOf, removeOrgMember } from '../../actions/organisations.ts';
import { findOrgByName, type OrgRow } from '../../db/queries/papers.ts';
import { isAdmin } from '../../domain/roles.ts';
import { theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { refusalOf } from '../refusal.ts';
import { formText, parseForm, sendPage } from '../send-page.ts';
import { orgPath } from '../views/components.ts';
import { type OrgMembersForm, type OrgMembersRefusal, renderOrgMembersPage } from '../views/org-members-page.ts';

const AddForm = z.object({ username: formText(100).default(''), role: formText(20).default('member') });

export function registerOrgMembers(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const member = { config: { requireMember: true } };

  async function org(name: string): Promise<OrgRow> {
    const o = await findOrgByName(db, name);
    if (!o) throw notFound(`There is no organization “${name.slice(0, 80)}” on this site.`);
    return o;
  }

  async function show(req: FastifyRequest, reply: FastifyReply, o: OrgRow, refused?: OrgMembersRefusal, status = 200) {
    const viewer = req.member ?? undefined;
    const canManage = !!viewer && (isAdmin(viewer.role) || (await orgRoleOf(db, o.id, viewer.id)) === 'admin');
    const page = renderOrgMembersPage({
      org: o,
      members: await orgMembers(db, o.id),
      canManage,
      csrf: req.session?.csrf ?? '',
      ...(viewer ? { viewer } : {}),
      ...(refused ? { refused } : {}),
    });
    return sendPage(ctx, req, reply, page, status);
  }

  /** Runs a change; a refusal answers the POST with the page again, the refused form holding its messages. */
  async function act(req: FastifyRequest, reply: FastifyReply, form: OrgMembersForm, run: (o: OrgRow) => Promise<void>) {
    const o = await org((req.params as { name: string }).name);
    try {
      await run(o);
      return reply.redirect(`${orgPath(o.name)}/members`, 303);
    } catch (e) {
      const refused = refusalOf(e, form, req.body);
      if (!refused) throw e;
      reply.headers(refused.headers);
      return show(req, reply, o, refused, refused.status);
    }
  }

  app.get('/orgs/:name/members', async (req, reply) => show(req, reply, await org((req.params as { name: string }).name)));

  app.post('/orgs/:name/members', member, async (req, reply) =>
    act(req, reply, 'add', async (o) => {
      const f = parseForm(AddForm, req.body);
      await addOrgMember({ db, actor: theMember(req), orgName: o.name, username: f.username, role: f.role });
    }),
  );

  app.post('/orgs/:name/members/:userId/remove', member, async (req, reply) =>
    act(req, reply, 'remove', async (o) => {
      const raw = (req.params as { userId: string }).userId;
      if (!/^\d{1,12}$/.test(raw)) throw notFound('No such member.');
      await removeOrgMember({ db, actor: theMember(req), orgName: o.name, userId: Number(raw) });
    }),
  );
}
