// /admin/outbox (admins only): the mails Folio queued and what became of them; one mail's headers, text
// and HTML; its .eml; "send again"; and the addresses no longer mailed after repeated refusals.
// A mail's HTML is served at /admin/outbox/{id}/html with a CSP of its own: `sandbox` (a unique origin,
// no scripts, no forms), no network (`default-src 'none'`), framed by this site only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Member } from '../../db/queries/members.ts';
import type { OutboxStatus } from '../../db/schema.ts';
import { isAdmin } from '../../domain/roles.ts';
import { senderDomain, senderMailbox } from '../../email/address.ts';
import { getMail, type OutboxMail, toMail, wakeSender } from '../../email/outbox.ts';
import { clearSuppression } from '../../email/sender.ts';
import { buildMessage, messageIdOf, outboxDir, renderMessage } from '../../email/transport.ts';
import { memberOrRedirect, theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../errors.ts';
import { formText, parseForm, sendPage } from '../send-page.ts';
import { renderOutboxList, renderOutboxMail } from '../views/admin-outbox-page.ts';

export const OUTBOX_PAGE_SIZE = 50;
const STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed', 'bounced', 'suppressed', 'cancelled'];

/** The policy of a mail's HTML when shown: nothing runs, nothing loads, only this site may frame it. */
export const MAIL_HTML_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

const AllowForm = z.object({ email: formText(300) });

function forbidden(): HttpError {
  return new HttpError(403, 'Only admins may read the mail outbox.');
}

function adminOf(req: FastifyRequest, reply: FastifyReply): Member | undefined {
  const m = memberOrRedirect(req, reply);
  if (m && !isAdmin(m.role)) throw forbidden();
  return m;
}

function idParam(raw: string): number {
  if (!/^\d{1,12}$/.test(raw)) throw notFound('There is no such mail.');
  return Number(raw);
}

export function registerAdminOutbox(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const member = { config: { requireMember: true } };

  async function mailOr404(raw: string): Promise<OutboxMail> {
    const m = await getMail(db, idParam(raw));
    if (!m) throw notFound('There is no such mail (old mails are purged after 30 days).');
    return m;
  }

  app.get('/admin/outbox', async (req, reply) => {
    if (!adminOf(req, reply)) return reply;
    const q = req.query as Record<string, unknown>;
    const status = STATUSES.find((s) => s === q.status);
    const before = typeof q.before === 'string' && /^\d{1,12}$/.test(q.before) ? Number(q.before) : undefined;
    let query = db
      .selectFrom('outbox')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(OUTBOX_PAGE_SIZE + 1);
    if (status) query = query.where('status', '=', status);
    if (before !== undefined) query = query.where('id', '<', before);
    const rows = (await query.execute()).map(toMail);
    const counts = await db
      .selectFrom('outbox')
      .select(['status', sql<number>`count(*)`.as('n')])
      .groupBy('status')
      .execute();
    const suppressed = await db
      .selectFrom('mail_addresses')
      .selectAll()
      .where('suppressed_at', 'is not', null)
      .orderBy('suppressed_at', 'desc')
      .limit(200)
      .execute();
    const page = renderOutboxList({
      csrf: req.session?.csrf ?? '',
      mails: rows.slice(0, OUTBOX_PAGE_SIZE),
      counts: STATUSES.flatMap((s) => {
        const n = Number(counts.find((c) => c.status === s)?.n ?? 0);
        return n ? [{ status: s, n }] : [];
      }),
      ...(status ? { status } : {}),
      ...(rows.length > OUTBOX_PAGE_SIZE ? { older: rows[OUTBOX_PAGE_SIZE - 1]?.id as number } : {}),
      suppressed,
      smtp: !!ctx.config.smtpUrl,
      outboxDir: outboxDir(ctx.config.dataDir),
      ...(q.done === 'allowed' ? { notice: { text: 'The address will be mailed again.', kind: 'ok' as const } } : {}),
    });
    return sendPage(ctx, req, reply, page);
  });

  app.get('/admin/outbox/:id', async (req, reply) => {
    if (!adminOf(req, reply)) return reply;
    const mail = await mailOr404((req.params as { id: string }).id);
    const sender = senderMailbox(ctx.config);
    const q = req.query as Record<string, unknown>;
    return sendPage(
      ctx,
      req,
      reply,
      renderOutboxMail({
        csrf: req.session?.csrf ?? '',
        mail,
        from: sender.name ? `${sender.name} <${sender.address}>` : sender.address,
        messageId: messageIdOf(mail, senderDomain(ctx.config)),
        ...(q.done === 'retry' ? { notice: { text: 'Queued to be sent again now.', kind: 'ok' as const } } : {}),
      }),
    );
  });

  app.get('/admin/outbox/:id/html', async (req, reply) => {
    if (!adminOf(req, reply)) return reply;
    const mail = await mailOr404((req.params as { id: string }).id);
    return reply
      .header('content-security-policy', MAIL_HTML_CSP)
      .header('x-frame-options', 'SAMEORIGIN')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(mail.html);
  });

  app.get('/admin/outbox/:id/eml', async (req, reply) => {
    if (!adminOf(req, reply)) return reply;
    const mail = await mailOr404((req.params as { id: string }).id);
    let bytes: Buffer;
    try {
      bytes = await renderMessage(buildMessage(mail, senderMailbox(ctx.config), senderDomain(ctx.config)));
    } catch (e) {
      throw new HttpError(409, `This mail cannot be built: ${(e as Error).message}`);
    }
    return reply
      .header('content-disposition', `attachment; filename="mail-${mail.id}.eml"`)
      .header('cache-control', 'no-store')
      .type('message/rfc822')
      .send(bytes);
  });

  app.post('/admin/outbox/:id/retry', member, async (req, reply) => {
    const actor = theMember(req);
    if (!isAdmin(actor.role)) throw forbidden();
    const mail = await mailOr404((req.params as { id: string }).id);
    const now = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('outbox')
        .set({ status: 'pending', next_attempt_at: now, attempts: 0, locked_by: null, locked_until: null })
        .where('id', '=', mail.id)
        // A mail kept while no SMTP server was set may be sent for real once one is.
        .where((eb) =>
          eb.or([
            eb('status', 'in', ['pending', 'failed', 'bounced']),
            eb.and([eb('status', '=', 'sent'), eb('delivered_via', '=', 'outbox')]),
          ]),
        )
        .execute();
      await wakeSender(trx, `retry:${mail.id}:${now}`);
    });
    return reply.redirect(`/admin/outbox/${mail.id}?done=retry`, 303);
  });

  app.post('/admin/outbox/addresses/allow', member, async (req, reply) => {
    const actor = theMember(req);
    if (!isAdmin(actor.role)) throw forbidden();
    await clearSuppression(db, parseForm(AllowForm, req.body).email.trim().toLowerCase());
    return reply.redirect('/admin/outbox?done=allowed', 303);
  });
}
