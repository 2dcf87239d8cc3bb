// "Reset your password": sent when someone asks for it at /reset.
import { type MailBody, type MailContext, mailBody } from './layout.ts';

export function resetPasswordMail(ctx: MailContext, o: { username: string; token: string; validMinutes: number }): MailBody {
  return mailBody(ctx, {
    subject: `Reset your ${ctx.siteName} password`,
    greeting: `Hello ${o.username},`,
    paragraphs: [
      `Someone (we hope you) asked to reset the password of your account on ${ctx.siteName}.`,
      `The link works once, for ${o.validMinutes} minutes, and only while your password stays as it is now. Using it signs you out everywhere else and revokes your API tokens (scripts using them need a new one from your settings).`,
    ],
    action: { label: 'Choose a new password', url: `${ctx.baseUrl}/reset/${encodeURIComponent(o.token)}` },
    footer: 'If you did not ask for this, ignore this mail: your password stays as it is.',
  });
}
