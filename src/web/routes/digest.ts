// The digest on the site: the subscription section of /settings (members), /subscribe and its mailed
// confirmation link (visitors, double opt-in), and the unsubscribe link of every digest:
//   GET  /unsubscribe/{token}  a page with a button (a GET never changes anything: mail scanners follow links)
//   POST /unsubscribe/{token}  unsubscribes. RFC 8058 one-click: mail clients POST
//                              `List-Unsubscribe=One-Click` without a page, so no CSRF token is asked
//                              (`csrf: false`); the signed token in the address is the authority.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  addressProblem,
  checkConfirmation,
  confirmSubscription,
  deadLinkText,
  requestSubscription,
  saveMemberDigest,
  unsubscribe,
} from '../../actions/digest-subscriptions.ts';
import { type FieldMessages, fieldMessagesOf, throwProblems } from '../../actions/errors.ts';
import { siteSecret, subscriptionById, subscriptionOfMember } from '../../db/queries/digests.ts';
import { listApiTokens, type Member } from '../../db/queries/members.ts';
import { normaliseEmail } from '../../domain/accounts.ts';
import {
  type DigestChoice,
  type DigestFrequency,
  digestChoice,
  MAX_CATEGORIES_FIELD_CHARS,
  MAX_QUERIES_FIELD_CHARS,
} from '../../domain/digest.ts';
import { readUnsubscribeToken } from '../../security/signed-links.ts';
import { sha256Hex } from '../../security/tokens.ts';
import { formToken, theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../errors.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { shownRefusal } from '../refusal.ts';
import { formText, formValues, parseForm, sendPage } from '../send-page.ts';
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
  categories: formText(MAX_CATEGORIES_FIELD_CHARS).default(''),
  queries: formText(MAX_QUERIES_FIELD_CHARS).default(''),
});
const SubscribeForm = DigestForm.extend({ email: formText(300).default('') });
const TokenForm = z.object({ token: formText(300).default('') });

/**
 * A failed save shows the settings page again with what the member typed and the messages. Keyed by
 * the request's own member object, so it lives as long as that one request.
 */
const failedSave = new WeakMap<Member, { values: DigestFormValues; refusal: DigestRefusal }>();

/** A refusal as a digest form shows it: messages beside their fields, or one above the form. */
type DigestRefusal = { error: string } | { errors: FieldMessages };

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
    ...(failed ? failed.refusal : {}),
  });
};

/** What was typed into a digest form, to show it again after a refusal (and to check it). */
function keptValues(body: unknown, defaultFrequency: string): DigestFormValues & { email: string } {
  const v = formValues(body);
  return { email: v.email ?? '', frequency: v.frequency ?? defaultFrequency, categories: v.categories ?? '', queries: v.queries ?? '' };
}

function settingsValues(body: unknown): DigestFormValues {
  const { frequency, categories, queries } = keptValues(body, 'off');
  return { frequency, categories, queries };
}

/**
 * A digest form read with every problem named at once, in the order the form shows its fields: the
 * shape's (a field sent twice, too long) and the rules' (the address, how often, the topics). Members
 * choose off too; visitors give an address. The checks read only what was typed, never the store, so
 * a refusal says nothing about who subscribes.
 */
function readDigestForm(body: unknown, o: { visitor: boolean }): { email: string; choice: DigestChoice } {
  const schema = o.visitor ? SubscribeForm : DigestForm;
  let shape: FieldMessages = {};
  let parsed: z.output<typeof SubscribeForm> | z.output<typeof DigestForm> | undefined;
  try {
    parsed = parseForm(schema, body);
  } catch (e) {
    shape = fieldMessagesOf(e);
    if (!Object.keys(shape).length) throw e;
  }
  const v = { ...keptValues(body, 'off'), ...parsed };
  const c = digestChoice(v, !o.visitor);
  const rules: FieldMessages = 'problems' in c ? { ...c.problems } : {};
  if (o.visitor) rules.email = addressProblem(v.email) ?? '';
  const fields = o.visitor ? ['email', 'frequency', 'categories', 'queries'] : ['frequency', 'categories', 'queries'];
  throwProblems(Object.fromEntries(fields.map((k) => [k, shape[k] ?? rules[k]])));
  if (!('choice' in c)) throw new Error('digest form: problems not thrown');
  return { email: v.email, choice: c.choice };
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
    try {
      const { choice } = readDigestForm(req.body, { visitor: false });
      await saveMemberDigest({ db, userId: m.id, frequency: choice.frequency, topics: choice.topics });
      return reply.redirect('/settings?digest=1#digest', 303);
    } catch (e) {
      if (!(e instanceof HttpError) || e.status >= 500) throw e;
      reply.headers(e.headers);
      failedSave.set(m, { values: settingsValues(req.body), refusal: shownRefusal(e) });
      const csrf = req.session?.csrf ?? '';
      const extra = await Promise.all(settingsSections.map((s) => s(ctx, m, csrf)));
      const page = renderSettingsPage({
        member: m,
        csrf,
        tokens: await listApiTokens(db, m.id),
        extra,
        // The messages sit in the digest section, beside its fields; this says where to look.
        notice: { text: 'Your digest settings are not saved: see “Digest by mail” below.', kind: 'error' },
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
    try {
      const { email, choice } = readDigestForm(req.body, { visitor: true });
      await enforceRateLimit(ctx, 'subscribeIp', req.ip);
      await enforceRateLimit(ctx, 'subscribeEmail', sha256Hex(normaliseEmail(email)).slice(0, 32));
      await requestSubscription({
        db,
        secret: await siteSecret(db),
        email,
        // Visitors cannot choose off: the form's check refused it above.
        frequency: choice.frequency as DigestFrequency,
        topics: choice.topics,
        mail: mailContext(ctx),
      });
    } catch (e) {
      if (!(e instanceof HttpError) || e.status >= 500) throw e;
      reply.headers(e.headers);
      const csrf = await formToken(ctx, req, reply);
      const values = keptValues(req.body, '');
      return sendPage(ctx, req, reply, renderSubscribePage({ csrf, values, ...shownRefusal(e) }), e.status);
    }
    const csrf = await formToken(ctx, req, reply);
    const values = { email: '', frequency: '', categories: '', queries: '' };
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
