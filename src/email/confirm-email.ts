// "Confirm your email address": sent at sign-up, and again on request from /settings.
import { type MailBody, type MailContext, mailBody } from './layout.ts';

export function confirmEmailMail(ctx: MailContext, o: { username: string; token: string; validHours: number }): MailBody {
  return mailBody(ctx, {
    subject: `Confirm your email address for ${ctx.siteName}`,
    greeting: `Hello ${o.username},`,
    paragraphs: [
      `Please confirm that this is your email address, so that you can upvote, comment and submit papers on ${ctx.siteName}.`,
      `The link works once, for ${o.validHours} hours.`,
    ],
    action: { label: 'Confirm my email address', url: `${ctx.baseUrl}/confirm?token=${encodeURIComponent(o.token)}` },
    footer: 'If you did not create this account, ignore this mail: nothing happens without the link.',
  });
}
