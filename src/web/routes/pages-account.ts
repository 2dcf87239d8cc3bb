// Sign up, sign in, sign out, email confirmation and password reset.
// Sign-in rotates the session (a new token, the old session deleted), so that a session fixed before
// sign-in is worthless. Reset and confirmation links are shown as a form on GET and used on POST, so
// that mail scanners following links change nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  confirmEmail,
  createSession,
  emailTokenValid,
  endSession,
  requestPasswordReset,
  resetPassword,
  signUp,
  verifyCredentials,
} from '../../actions/accounts.ts';
import { ActionError } from '../../actions/errors.ts';
import { normaliseEmail } from '../../domain/accounts.ts';
import { sha256Hex } from '../../security/tokens.ts';
import { clearSessionCookie, formToken, refererPath, safeReturnTo, setSessionCookie } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../errors.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { correctable, shownRefusal } from '../refusal.ts';
import { formText, formValues, parseForm, sendPage } from '../send-page.ts';
import { renderConfirm, renderResetForm, renderResetRequest, renderSignIn, renderSignUp } from '../views/account-pages.ts';

const SignInForm = z.object({
  email: formText(300).default(''),
  password: formText(1000).default(''),
  return_to: formText(500).optional(),
});
const SignUpForm = z.object({
  username: formText(100).default(''),
  email: formText(300).default(''),
  password: formText(1000).default(''),
  fullname: formText(200).default(''),
  return_to: formText(500).optional(),
});
const EmailForm = z.object({ email: formText(300).default('') });
const PasswordForm = z.object({ password: formText(1000).default('') });
const TokenForm = z.object({ token: formText(300).default('') });

function queryReturnTo(req: FastifyRequest): string | undefined {
  const q = req.query as Record<string, unknown>;
  const r = safeReturnTo(q.return_to, '');
  return r || undefined;
}

export function mailContext(ctx: AppContext) {
  return { siteName: ctx.config.siteName, baseUrl: ctx.config.baseUrl };
}

async function signIn(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, userId: number, returnTo: string): Promise<FastifyReply> {
  const s = await createSession({
    db: ctx.store.db,
    userId,
    days: ctx.config.sessionDays,
    ip: req.ip,
    ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    ...(req.session ? { replaces: req.session.id } : {}),
  });
  setSessionCookie(ctx, req, reply, s.token);
  return reply.redirect(returnTo, 303);
}

export function registerAccountPages(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;

  app.get('/signin', async (req, reply) => {
    const returnTo = queryReturnTo(req) ?? refererPath(ctx, req);
    if (req.member) return reply.redirect(safeReturnTo(returnTo), 303);
    const csrf = await formToken(ctx, req, reply);
    return sendPage(ctx, req, reply, renderSignIn({ csrf, ...(returnTo && !returnTo.startsWith('/signin') ? { returnTo } : {}) }));
  });

  app.post('/signin', async (req, reply) => {
    const f = parseForm(SignInForm, req.body);
    const returnTo = safeReturnTo(f.return_to);
    try {
      await enforceRateLimit(ctx, 'signInIp', req.ip);
      await enforceRateLimit(ctx, 'signInAccount', sha256Hex(normaliseEmail(f.email)).slice(0, 32));
      const member = await verifyCredentials({ db, email: f.email, password: f.password });
      return await signIn(ctx, req, reply, member.id, returnTo);
    } catch (e) {
      const err = correctable(e);
      if (!err) throw e;
      reply.headers(err.headers);
      const csrf = await formToken(ctx, req, reply);
      return sendPage(ctx, req, reply, renderSignIn({ csrf, error: err.message, email: f.email, returnTo }), err.status);
    }
  });

  app.get('/signup', async (req, reply) => {
    if (req.member) return reply.redirect('/settings', 303);
    const csrf = await formToken(ctx, req, reply);
    const returnTo = queryReturnTo(req);
    return sendPage(ctx, req, reply, renderSignUp({ csrf, closed: !ctx.config.signupOpen, ...(returnTo ? { returnTo } : {}) }));
  });

  app.post('/signup', async (req, reply) => {
    if (!ctx.config.signupOpen) throw new HttpError(403, 'This site does not take new accounts at the moment.');
    try {
      const f = parseForm(SignUpForm, req.body);
      await enforceRateLimit(ctx, 'signUpIp', req.ip);
      // A new account, or an address that had one (its owner is mailed): the same answer either way,
      // so the form tells nobody which addresses are members'. The new member signs in next.
      await signUp({
        db,
        username: f.username.trim(),
        email: f.email,
        password: f.password,
        fullname: f.fullname,
        mail: mailContext(ctx),
      });
      const csrf = await formToken(ctx, req, reply);
      const email = normaliseEmail(f.email);
      return sendPage(
        ctx,
        req,
        reply,
        renderSignIn({
          csrf,
          email,
          info: `We have sent a mail to ${email}. Follow its link to confirm your address; you can sign in now.`,
          returnTo: f.return_to ? safeReturnTo(f.return_to) : '/settings?welcome=1',
        }),
      );
    } catch (e) {
      const err = correctable(e);
      if (!err) throw e;
      reply.headers(err.headers);
      const csrf = await formToken(ctx, req, reply);
      // What was typed comes back as it was sent (the password never does).
      const v = formValues(req.body);
      return sendPage(
        ctx,
        req,
        reply,
        renderSignUp({
          csrf,
          ...shownRefusal(err),
          username: v.username ?? '',
          email: v.email ?? '',
          fullname: v.fullname ?? '',
          ...(v.return_to ? { returnTo: safeReturnTo(v.return_to) } : {}),
        }),
        err.status,
      );
    }
  });

  app.post('/signout', async (req, reply) => {
    if (req.session) await endSession({ db, sessionId: req.session.id });
    clearSessionCookie(ctx, req, reply);
    return reply.redirect('/papers', 303);
  });

  app.get('/confirm', async (req, reply) => {
    const token = String((req.query as Record<string, unknown>).token ?? '').slice(0, 300);
    const csrf = await formToken(ctx, req, reply);
    const valid = await emailTokenValid({ db, token, purpose: 'confirm' });
    return sendPage(ctx, req, reply, renderConfirm({ csrf, token, dead: !valid }), valid ? 200 : 400);
  });

  app.post('/confirm', async (req, reply) => {
    const f = parseForm(TokenForm, req.body);
    const csrf = await formToken(ctx, req, reply);
    try {
      await confirmEmail({ db, token: f.token });
    } catch (e) {
      const err = correctable(e);
      if (!err) throw e;
      return sendPage(ctx, req, reply, renderConfirm({ csrf, token: f.token, dead: true }), err.status);
    }
    return sendPage(ctx, req, reply, renderConfirm({ csrf, token: f.token, done: true }));
  });

  app.get('/reset', async (req, reply) => {
    const csrf = await formToken(ctx, req, reply);
    return sendPage(ctx, req, reply, renderResetRequest({ csrf }));
  });

  app.post('/reset', async (req, reply) => {
    const f = parseForm(EmailForm, req.body);
    const csrf = await formToken(ctx, req, reply);
    try {
      await enforceRateLimit(ctx, 'resetIp', req.ip);
      await enforceRateLimit(ctx, 'resetAccount', sha256Hex(normaliseEmail(f.email)).slice(0, 32));
      await requestPasswordReset({ db, email: f.email, mail: mailContext(ctx) });
    } catch (e) {
      const err = correctable(e);
      if (!err) throw e;
      reply.headers(err.headers);
      return sendPage(ctx, req, reply, renderResetRequest({ csrf, error: err.message, email: f.email }), err.status);
    }
    return sendPage(ctx, req, reply, renderResetRequest({ csrf, sent: true }));
  });

  app.get('/reset/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token.slice(0, 300);
    const csrf = await formToken(ctx, req, reply);
    // The token is in the address: no Referer may carry it away.
    reply.header('referrer-policy', 'no-referrer');
    const valid = await emailTokenValid({ db, token, purpose: 'reset' });
    return sendPage(ctx, req, reply, renderResetForm({ csrf, token, dead: !valid }), valid ? 200 : 400);
  });

  app.post('/reset/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token.slice(0, 300);
    const f = parseForm(PasswordForm, req.body);
    reply.header('referrer-policy', 'no-referrer');
    try {
      const { userId } = await resetPassword({ db, token, password: f.password });
      return await signIn(ctx, req, reply, userId, '/settings?reset=1');
    } catch (e) {
      const err = correctable(e);
      if (!err) throw e;
      const csrf = await formToken(ctx, req, reply);
      const dead = e instanceof ActionError && e.code === 'token_dead';
      return sendPage(ctx, req, reply, renderResetForm({ csrf, token, error: err.message, dead }), err.status);
    }
  });
}
