// /admin and its actions: authorship claims, roles, suspensions, new organisations. Moderators and
// admins only; each action checks the actor's role against the target again (actions/moderation.ts).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { decideClaim, pendingClaims } from '../../actions/authorship.ts';
import { setRole, setSuspended } from '../../actions/moderation.ts';
import { createOrganization } from '../../actions/organisations.ts';
import { harvestStatus, jobStatus, outboxStatus, weeklyGrowth } from '../../db/queries/admin-stats.ts';
import { listMembers, type Member } from '../../db/queries/members.ts';
import { canModerate, isAdmin } from '../../domain/roles.ts';
import { memberOrRedirect, theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../errors.ts';
import { formText, parseForm, sendPage } from '../send-page.ts';
import { type AdminData, type LogRow, renderAdminPage } from '../views/admin-page.ts';

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

  async function show(req: FastifyRequest, reply: FastifyReply, actor: Member, extra: Partial<AdminData> = {}, status = 200) {
    const q = req.query as Record<string, unknown>;
    const search = typeof q.q === 'string' ? q.q.trim().slice(0, 100) : '';
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
      members: await listMembers(db, { q: search, limit: MEMBERS_SHOWN, offset: 0 }),
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
      ...extra,
    };
    return sendPage(ctx, req, reply, renderAdminPage(data), status);
  }

  async function act(req: FastifyRequest, reply: FastifyReply, run: (actor: Member) => Promise<string>) {
    const actor = theMember(req);
    if (!canModerate(actor.role)) throw forbidden();
    try {
      return reply.redirect(`/admin?done=${await run(actor)}`, 303);
    } catch (e) {
      if (!(e instanceof HttpError) || e.status >= 500) throw e;
      return show(req, reply, actor, { notice: { text: e.message, kind: 'error' } }, e.status);
    }
  }

  app.get('/admin', async (req, reply) => {
    const actor = memberOrRedirect(req, reply);
    if (!actor) return reply;
    if (!canModerate(actor.role)) throw forbidden();
    return show(req, reply, actor);
  });

  app.post('/admin/claims/:id', member, async (req, reply) =>
    act(req, reply, async (actor) => {
      const f = parseForm(ClaimForm, req.body);
      await decideClaim({ db, actor, claimId: idParam((req.params as { id: string }).id), decision: f.decision, reason: f.reason });
      return 'claim';
    }),
  );

  app.post('/admin/members/:id/role', member, async (req, reply) =>
    act(req, reply, async (actor) => {
      const f = parseForm(RoleForm, req.body);
      await setRole({ db, actor, userId: idParam((req.params as { id: string }).id), role: f.role, reason: f.reason });
      return 'role';
    }),
  );

  app.post('/admin/members/:id/suspend', member, async (req, reply) =>
    act(req, reply, async (actor) => {
      const f = parseForm(SuspendForm, req.body);
      await setSuspended({
        db,
        actor,
        userId: idParam((req.params as { id: string }).id),
        suspended: f.suspended === '1',
        reason: f.reason,
      });
      return 'suspend';
    }),
  );

  app.post('/admin/orgs', member, async (req, reply) =>
    act(req, reply, async (actor) => {
      const f = parseForm(OrgForm, req.body);
      await createOrganization({ db, actor, name: f.name, fullname: f.fullname });
      return 'org';
    }),
  );
}
