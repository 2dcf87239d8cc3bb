// /settings: the member's profile, email confirmation, password and API tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { changePassword, resendConfirmation, updateProfile } from '../../actions/accounts.ts';
import { createApiToken, revokeApiToken } from '../../actions/api-tokens.ts';
import { listApiTokens, type Member } from '../../db/queries/members.ts';
import { memberOrRedirect, theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { Html } from '../html.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { refusalOf } from '../refusal.ts';
import { formText, parseForm, sendPage } from '../send-page.ts';
import { renderSettingsPage, type SettingsData, type SettingsForm } from '../views/settings-page.ts';
import { mailContext } from './pages-account.ts';

/**
 * Sections other features add to /settings (the digest subscription, for one): each renders for the
 * member, with the form token, and handles its own POST routes.
 */
export type SettingsSection = (ctx: AppContext, member: Member, csrf: string) => Promise<Html>;
export const settingsSections: SettingsSection[] = [];

const NOTICES: Record<string, SettingsData['notice']> = {
  welcome: { text: 'Welcome! We mailed you a link to confirm your email address; follow it to start upvoting and commenting.', kind: 'ok' },
  reset: {
    text: 'Your password is changed, and you are signed in. Every other session is signed out and your API tokens are revoked: create new ones below for your scripts.',
    kind: 'ok',
  },
  saved: { text: 'Saved.', kind: 'ok' },
  password: { text: 'Your password is changed. Your other sessions are signed out.', kind: 'ok' },
  sent: { text: 'A new confirmation link is on its way.', kind: 'ok' },
  revoked: { text: 'The token is revoked: it no longer works.', kind: 'ok' },
  digest: { text: 'Your digest settings are saved.', kind: 'ok' },
  view: { text: 'Saved: lists show papers the way you chose, on every device you sign in on.', kind: 'ok' },
};

const ProfileForm = z.object({ fullname: formText(200).default('') });
const PasswordForm = z.object({ current: formText(1000).default(''), next: formText(1000).default('') });
const TokenForm = z.object({ name: formText(200).default('') });

export function registerSettingsPages(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const member = { config: { requireMember: true } };

  async function show(req: FastifyRequest, reply: FastifyReply, m: Member, extra: Partial<SettingsData> = {}, status = 200) {
    const csrf = req.session?.csrf ?? '';
    const q = req.query as Record<string, unknown>;
    const key = Object.keys(NOTICES).find((k) => q[k] !== undefined);
    const sections = await Promise.all(settingsSections.map((s) => s(ctx, m, csrf)));
    const data: SettingsData = {
      member: m,
      csrf,
      tokens: await listApiTokens(db, m.id),
      extra: sections,
      tokensNeedConfirmation: ctx.config.requireConfirmedEmail && !m.emailConfirmed,
      ...(key ? { notice: NOTICES[key] } : {}),
      ...extra,
    };
    return sendPage(ctx, req, reply, renderSettingsPage(data), status);
  }

  /**
   * Runs a settings change; a refusal answers the POST with the page again, this form holding its
   * messages and what was typed, the other forms as they were.
   */
  async function act(req: FastifyRequest, reply: FastifyReply, form: SettingsForm, run: (m: Member) => Promise<string | undefined>) {
    const m = theMember(req);
    try {
      const done = await run(m);
      if (done) return reply.redirect(`/settings?${done}`, 303);
      return reply;
    } catch (e) {
      const refused = refusalOf(e, form, req.body);
      if (!refused) throw e;
      reply.headers(refused.headers);
      return show(req, reply, m, { refused }, refused.status);
    }
  }

  app.get('/settings', async (req, reply) => {
    const m = memberOrRedirect(req, reply);
    if (!m) return reply;
    return show(req, reply, m);
  });

  app.post('/settings/profile', member, async (req, reply) =>
    act(req, reply, 'profile', async (m) => {
      await updateProfile({ db, userId: m.id, fullname: parseForm(ProfileForm, req.body).fullname });
      return 'saved';
    }),
  );

  app.post('/settings/password', member, async (req, reply) =>
    act(req, reply, 'password', async (m) => {
      const f = parseForm(PasswordForm, req.body);
      await enforceRateLimit(ctx, 'signInAccount', `member:${m.id}`);
      await changePassword({ db, userId: m.id, current: f.current, next: f.next, ...(req.session ? { keepSession: req.session.id } : {}) });
      return 'password';
    }),
  );

  app.post('/settings/resend-confirmation', member, async (req, reply) =>
    act(req, reply, 'resend', async (m) => {
      await enforceRateLimit(ctx, 'confirmResend', String(m.id));
      await resendConfirmation({ db, userId: m.id, mail: mailContext(ctx) });
      return 'sent';
    }),
  );

  app.post('/settings/tokens', member, async (req, reply) =>
    act(req, reply, 'tokens', async (m) => {
      await enforceRateLimit(ctx, 'tokens', String(m.id));
      const name = parseForm(TokenForm, req.body).name;
      const t = await createApiToken({ db, userId: m.id, name, requireConfirmedEmail: ctx.config.requireConfirmedEmail });
      // Shown once, in this response (not after a redirect, so it is never in a URL or a log).
      await show(req, reply, m, { newToken: { name: name.trim(), token: t.token } }, 201);
      return undefined;
    }),
  );

  app.post('/settings/tokens/:id/revoke', member, async (req, reply) =>
    act(req, reply, 'revoke', async (m) => {
      const raw = (req.params as { id: string }).id;
      if (!/^\d{1,12}$/.test(raw)) throw notFound('You have no such token.');
      await revokeApiToken({ db, userId: m.id, tokenId: Number(raw) });
      return 'revoked';
    }),
  );
}
