// /admin and its actions: authorship claims, roles, suspensions, new organisations. Moderators and
// admins only; each action checks the actor's role against the target again (actions/moderation.ts).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { decideClaim, pendingClaims } from '../../actions/authorship.ts';
import { setRole, setSuspended } from '../../actions/moderation.ts';
import { createOrganization } from '../../actions/organisations.ts';
import { harvestStatus, jobStatus, outboxStatus, weeklyGrowth } from '../../db/queries/admin-stats.ts';
import { getMember, listMembers, type Member } from '../../db/queries/members.ts';
import { canModerate, isAdmin } from '../../domain/roles.ts';
import { memberOrRedirect, theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../errors.ts';
import { refusalOf } from '../refusal.ts';
import { formText, parseForm, sendPage } from '../send-page.ts';
import { type AdminData, type AdminForm, type LogRow, renderAdminPage } from '../views/admin-page.ts';

const MEMBERS_SHOWN = 100;
const LOG_SHOWN = 200;

const ClaimForm = z.object({ decision: z.enum(['confirm', 'refuse']), reason: formText(2000).default('') });
const RoleForm = z.object({ role: formText(20), reason: formText(2000).default('') });
const SuspendForm = z.object({ suspended: z.enum(['0', '1']), reason: formText(2000).default('') });
const OrgForm = z.object({ name: formText(100).default(''), fullname: formText(200).default('') });

const NOTICES: Record<string, AdminData['notice']> = {
  claim: { text: 'Claim decided.', kind: 'ok' },
  role: { text: 'Role changed.', kind: 'ok' },
  suspend: { text: 'Done.', kind: 'ok' },
  org: { text: 'Organization created.', kind: 'ok' },
};

function forbidden(): HttpError {
  return new HttpError(403, 'Only moderators and admins may see this page.');
}

function idParam(raw: string): number {
  if (!/^\d{1,12}$/.test(raw)) throw notFound('Nothing here has this id.');
  return Number(raw);
}

export function registerAdmin(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const member = { config: { requireMember: true } };

  /** `mustList`: a member whose row must be on the page (their form was refused), listed or not. */
  async function show(
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Member,
    extra: Partial<AdminData> & { mustList?: number } = {},
    status = 200,
  ) {
    const { mustList, ...given } = extra;
    const q = req.query as Record<string, unknown>;
    const search = typeof q.q === 'string' ? q.q.trim().slice(0, 100) : '';
    const members = await listMembers(db, { q: search, limit: MEMBERS_SHOWN, offset: 0 });
    if (mustList !== undefined && !members.some((m) => m.id === mustList)) {
      // A refused row beyond the first page (or the search the form was sent from) comes first.
      const target = await getMember(db, mustList);
      const row = target && (await listMembers(db, { q: target.username, limit: MEMBERS_SHOWN, offset: 0 })).find((m) => m.id === mustList);
      if (row) members.unshift(row);
    }
    const log: LogRow[] = isAdmin(actor.role)
      ? await db
          .selectFrom('moderation_log as l')
          .innerJoin('users as u', 'u.id', 'l.actor_id')
          .select(['l.id', 'l.created_at', 'u.username as actor', 'l.action', 'l.target_type', 'l.target_id', 'l.reason'])
          .orderBy('l.id', 'desc')
          .limit(LOG_SHOWN)
          .execute()
      : [];
    const key = Object.keys(NOTICES).find((k) => q.done === k);
    const data: AdminData = {
      actor,
      csrf: req.session?.csrf ?? '',
      claims: isAdmin(actor.role) ? await pendingClaims(db) : [],
      members,
      q: search,
      log,
      ...(isAdmin(actor.role)
        ? {
            dashboard: {
              growth: await weeklyGrowth(db),
              jobs: await jobStatus(db),
              harvests: await harvestStatus(db),
              outbox: await outboxStatus(db),
            },
          }
        : {}),
      ...(key ? { notice: NOTICES[key] } : {}),
      ...given,
    };
    return sendPage(ctx, req, reply, renderAdminPage(data), status);
  }

  /**
   * Runs an action; a refusal answers the POST with the page again, the refused form (`key`: its
   * claim's or member's id) holding its messages and what was typed.
   */
  async function act(req: FastifyRequest, reply: FastifyReply, form: AdminForm, run: (actor: Member, id: number) => Promise<string>) {
    const actor = theMember(req);
    if (!canModerate(actor.role)) throw forbidden();
    const raw = (req.params as { id?: string }).id;
    const id = raw === undefined ? 0 : idParam(raw);
    try {
      return reply.redirect(`/admin?done=${await run(actor, id)}`, 303);
    } catch (e) {
      const refused = refusalOf(e, form, req.body, raw === undefined ? undefined : id);
      if (!refused) throw e;
      reply.headers(refused.headers);
      return show(req, reply, actor, { refused, ...(form === 'role' || form === 'suspend' ? { mustList: id } : {}) }, refused.status);
    }
  }

  app.get('/admin', async (req, reply) => {
    const actor = memberOrRedirect(req, reply);
    if (!actor) return reply;
    if (!canModerate(actor.role)) throw forbidden();
    return show(req, reply, actor);
  });

  app.post('/admin/claims/:id', member, async (req, reply) =>
    act(req, reply, 'claim', async (actor, claimId) => {
      const f = parseForm(ClaimForm, req.body);
      await decideClaim({ db, actor, claimId, decision: f.decision, reason: f.reason });
      return 'claim';
    }),
  );

  app.post('/admin/members/:id/role', member, async (req, reply) =>
    act(req, reply, 'role', async (actor, userId) => {
      const f = parseForm(RoleForm, req.body);
      await setRole({ db, actor, userId, role: f.role, reason: f.reason });
      return 'role';
    }),
  );

  app.post('/admin/members/:id/suspend', member, async (req, reply) =>
    act(req, reply, 'suspend', async (actor, userId) => {
      const f = parseForm(SuspendForm, req.body);
      await setSuspended({
        db,
        actor,
        userId,
        suspended: f.suspended === '1',
        reason: f.reason,
      });
      return 'suspend';
    }),
  );

  app.post('/admin/orgs', member, async (req, reply) =>
    act(req, reply, 'org', async (actor) => {
      const f = parseForm(OrgForm, req.body);
      await createOrganization({ db, actor, name: f.name, fullname: f.fullname });
      return 'org';
    }),
  );
}
