// "Someone tried to sign up with your address": sent instead of an answer on the sign-up page, which
// says the same whether or not an address has an account (so it cannot be used to find members).
import { type MailBody, type MailContext, mailBody } from './layout.ts';

export function accountExistsMail(ctx: MailContext, o: { username: string }): MailBody {
  return mailBody(ctx, {
    subject: `Someone tried to sign up on ${ctx.siteName} with your address`,
    greeting: `Hello ${o.username},`,
    paragraphs: [
      `Someone (perhaps you) tried to create an account on ${ctx.siteName} with this email address, which already has one: yours, with the username ${o.username}.`,
      'If it was you, sign in instead; if you forgot your password, reset it from the sign-in page.',
    ],
    action: { label: 'Sign in', url: `${ctx.baseUrl}/signin` },
    footer: `If it was not you, ignore this mail: no account was created, and yours is unchanged. To choose a new password: ${ctx.baseUrl}/reset`,
  });
}
