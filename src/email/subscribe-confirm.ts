// "Confirm your subscription": the double opt-in mail of a visitor who subscribed at /subscribe.
import type { DigestFrequency, Topics } from '../domain/digest.ts';
import { topicsLine } from './digest-mail.ts';
import { type MailBody, type MailContext, mailBody } from './layout.ts';

export function subscriptionConfirmMail(
  ctx: MailContext,
  o: { token: string; frequency: DigestFrequency; topics: Topics; validHours: number },
): MailBody {
  const what = o.frequency === 'daily' ? 'the daily digest (Monday to Friday)' : 'the weekly digest (on Mondays)';
  const topics = topicsLine(o.topics);
  return mailBody(ctx, {
    subject: `Confirm your subscription to ${ctx.siteName}`,
    greeting: 'Hello,',
    paragraphs: [
      `Someone (we hope you) asked to receive ${what} of trending papers from ${ctx.siteName} at this address${topics ? `, on these topics: ${topics}` : ''}.`,
      `Please confirm with the button below. The link works for ${o.validHours} hours.`,
    ],
    action: { label: 'Confirm my subscription', url: `${ctx.baseUrl}/subscribe/confirm?token=${encodeURIComponent(o.token)}` },
    footer: 'If you did not ask for this, ignore this mail: without the link, nothing is sent to you.',
  });
}
