// The digest on the site: the subscription section of /settings (members), /subscribe and its mailed
// confirmation link (visitors, double opt-in), and the unsubscribe link of every digest:
//   GET  /unsubscribe/{token}  a page with a button (a GET never changes anything: mail scanners follow links)
//   POST /unsubscribe/{token}  unsubscribes. RFC 8058 one-click: mail clients POST
//                              `List-Unsubscribe=One-Click` without a page, so no CSRF token is asked
//                              (`csrf: false`); the signed token in the address is the authority.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  checkConfirmation,
  confirmSubscription,
  deadLinkText,
  requestSubscription,
  saveMemberDigest,
  unsubscribe,
} from '../../actions/digest-subscriptions.ts';
import { siteSecret, subscriptionById, subscriptionOfMember } from '../../db/queries/digests.ts';
import { listApiTokens, type Member } from '../../db/queries/members.ts';
import { normaliseEmail } from '../../domain/accounts.ts';
import { isFrequency, parseTopics } from '../../domain/digest.ts';
import { readUnsubscribeToken } from '../../security/signed-links.ts';
import { sha256Hex } from '../../security/tokens.ts';
import { formToken, theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../errors.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { formText, parseForm, sendPage } from '../send-page.ts';
import {
  type DigestFormValues,
  renderDigestSection,
  renderSubscribeConfirm,
  renderSubscribePage,
  renderUnsubscribePage,
  topicsForm,
} from '../views/digest-pages.ts';
import { renderSettingsPage } from '../views/settings-page.ts';
import { mailContext } from './pages-account.ts';
import { type SettingsSection, settingsSections } from './pages-settings.ts';

const DigestForm = z.object({
  frequency: formText(10).default('off'),
  categories: formText(400).default(''),
  queries: formText(1200).default(''),
});
const SubscribeForm = DigestForm.extend({ email: formText(300).default('') });
const TokenForm = z.object({ token: formText(300).default('') });

/** A failed save shows the settings page again with the member's values and the message. */
const failedSave = new WeakMap<Member, { values: DigestFormValues; error: string }>();

function sendTime(ctx: AppContext): string | undefined {
  return ctx.config.digestTime === 'off' ? undefined : `${ctx.config.digestTime} (${ctx.config.timezone})`;
}

const digestSection: SettingsSection = async (ctx, member, csrf) => {
  const db = ctx.store.db;
  const sub = await subscriptionOfMember(db, member.id);
  const failed = failedSave.get(member);
  const values: DigestFormValues = failed?.values ?? {
    frequency: sub && sub.status === 'active' ? sub.frequency : 'off',
    ...topicsForm(sub?.topics ?? { queries: [], categories: [] }),
  };
  const suppressed = await db
    .selectFrom('mail_addresses')
    .select('email')
    .where('email', '=', member.email)
    .where('suppressed_at', 'is not', null)
    .executeTakeFirst();
  return renderDigestSection({
    csrf,
    email: member.email,
    confirmed: member.emailConfirmed,
    suppressed: !!suppressed,
    values,
    ...(sendTime(ctx) ? { sendTime: sendTime(ctx) as string } : {}),
    ...(failed ? { error: failed.error } : {}),
  });
};

function formValues(f: z.output<typeof DigestForm>): DigestFormValues {
  return { frequency: isFrequency(f.frequency) ? f.frequency : 'off', categories: f.categories, queries: f.queries };
}

function topicsOrThrow(v: DigestFormValues) {
  const t = parseTopics(v.categories, v.queries);
  if ('problem' in t) throw new HttpError(400, t.problem);
  return t.topics;
}

/** Tokens are in the addresses of these pages: no Referer may carry them away. */
function noReferrer(reply: FastifyReply): void {
  reply.header('referrer-policy', 'no-referrer');
}

export function registerDigestRoutes(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  if (!settingsSections.includes(digestSection)) settingsSections.push(digestSection);

  app.post('/settings/digest', { config: { requireMember: true } }, async (req, reply) => {
    const m = theMember(req);
    const f = parseForm(DigestForm, req.body);
    const values = formValues(f);
    try {
      if (f.frequency !== 'off' && !isFrequency(f.frequency)) throw new HttpError(400, 'Choose off, daily or weekly.');
      await saveMemberDigest({ db, userId: m.id, frequency: values.frequency, topics: topicsOrThrow(values) });
      return reply.redirect('/settings?digest=1#digest', 303);
    } catch (e) {
      if (!(e instanceof HttpError) || e.status >= 500) throw e;
      failedSave.set(m, { values, error: e.message });
      const csrf = req.session?.csrf ?? '';
      const extra = await Promise.all(settingsSections.map((s) => s(ctx, m, csrf)));
      const page = renderSettingsPage({
        member: m,
        csrf,
        tokens: await listApiTokens(db, m.id),
        extra,
        notice: { text: e.message, kind: 'error' },
      });
      return sendPage(ctx, req, reply, page, e.status);
    }
  });

  app.get('/subscribe', async (req, reply) => {
    if (req.member) return reply.redirect('/settings#digest', 303);
    const csrf = await formToken(ctx, req, reply);
    const values = { email: '', frequency: 'daily' as const, categories: '', queries: '' };
    return sendPage(
      ctx,
      req,
      reply,
      renderSubscribePage({ csrf, values, ...(sendTime(ctx) ? { sendTime: sendTime(ctx) as string } : {}) }),
    );
  });

  app.post('/subscribe', async (req, reply) => {
    const f = parseForm(SubscribeForm, req.body);
    const values = { ...formValues(f), email: f.email };
    try {
      if (!isFrequency(f.frequency)) throw new HttpError(400, 'Choose daily or weekly.');
      const topics = topicsOrThrow(values);
      await enforceRateLimit(ctx, 'subscribeIp', req.ip);
      await enforceRateLimit(ctx, 'subscribeEmail', sha256Hex(normaliseEmail(f.email)).slice(0, 32));
      await requestSubscription({
        db,
        secret: await siteSecret(db),
        email: f.email,
        frequency: f.frequency,
        topics,
        mail: mailContext(ctx),
      });
    } catch (e) {
      if (!(e instanceof HttpError) || e.status >= 500) throw e;
      reply.headers(e.headers);
      const csrf = await formToken(ctx, req, reply);
      return sendPage(ctx, req, reply, renderSubscribePage({ csrf, values, error: e.message }), e.status);
    }
    const csrf = await formToken(ctx, req, reply);
    return sendPage(ctx, req, reply, renderSubscribePage({ csrf, values, sent: true }));
  });

  app.get('/subscribe/confirm', async (req, reply) => {
    noReferrer(reply);
    const token = String((req.query as Record<string, unknown>).token ?? '').slice(0, 300);
    const csrf = await formToken(ctx, req, reply);
    const c = await checkConfirmation({ db, secret: await siteSecret(db), token });
    if (!c.ok) return sendPage(ctx, req, reply, renderSubscribeConfirm({ csrf, token, dead: deadLinkText(c.reason) }), 400);
    const s = c.subscription;
    if (c.alreadyDone)
      return sendPage(ctx, req, reply, renderSubscribeConfirm({ csrf, token, done: true, email: s.email, frequency: s.frequency }));
    return sendPage(
      ctx,
      req,
      reply,
      renderSubscribeConfirm({ csrf, token, email: s.email, frequency: s.requested?.frequency ?? s.frequency }),
    );
  });

  app.post('/subscribe/confirm', async (req, reply) => {
    noReferrer(reply);
    const f = parseForm(TokenForm, req.body);
    const csrf = await formToken(ctx, req, reply);
    try {
      const s = await confirmSubscription({ db, secret: await siteSecret(db), token: f.token });
      return sendPage(
        ctx,
        req,
        reply,
        renderSubscribeConfirm({ csrf, token: f.token, done: true, email: s.email, frequency: s.frequency }),
      );
    } catch (e) {
      if (!(e instanceof HttpError) || e.status >= 500) throw e;
      return sendPage(ctx, req, reply, renderSubscribeConfirm({ csrf, token: f.token, dead: e.message }), e.status);
    }
  });

  async function unsubscribePage(req: FastifyRequest, reply: FastifyReply, act: boolean) {
    noReferrer(reply);
    const token = (req.params as { token: string }).token;
    const id = readUnsubscribeToken(await siteSecret(db), token);
    const sub = id === null ? undefined : await subscriptionById(db, id);
    if (!sub) return sendPage(ctx, req, reply, renderUnsubscribePage({ token: '', dead: true }), 400);
    const base = { token, email: sub.email, frequency: sub.frequency, member: sub.userId !== null };
    if (!act) return sendPage(ctx, req, reply, renderUnsubscribePage({ ...base, done: sub.status === 'unsubscribed' }));
    await unsubscribe({ db, subscriptionId: sub.id });
    return sendPage(ctx, req, reply, renderUnsubscribePage({ ...base, done: true }));
  }

  app.get('/unsubscribe/:token', async (req, reply) => unsubscribePage(req, reply, false));

  // Mail providers post one-click requests as urlencoded or multipart bodies (RFC 8058 allows both);
  // the body's content does not matter (the token decides), so this scope reads any body as text.
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, body));
    scope.post('/unsubscribe/:token', { config: { csrf: false } }, async (req, reply) => unsubscribePage(req, reply, true));
  });
}
