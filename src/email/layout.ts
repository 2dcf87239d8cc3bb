// The frame every mail shares: a plain-text body that reads well on its own, and a simple HTML twin
// (inline styles only: mail clients ignore stylesheets). Every value is escaped.
import { escapeHtml } from '../web/html.ts';

export interface MailContext {
  siteName: string;
  baseUrl: string;
}

export interface MailBody {
  subject: string;
  text: string;
  html: string;
}

export function mailBody(
  ctx: MailContext,
  o: { subject: string; greeting: string; paragraphs: string[]; action: { label: string; url: string }; footer: string },
): MailBody {
  const text = [
    o.greeting,
    '',
    ...o.paragraphs.flatMap((p) => [p, '']),
    `${o.action.label}: ${o.action.url}`,
    '',
    o.footer,
    '',
    `— ${ctx.siteName}, ${ctx.baseUrl}`,
  ].join('\n');
  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#14171c">
${p(o.greeting)}
${o.paragraphs.map(p).join('\n')}
<p style="margin:24px 0"><a href="${escapeHtml(o.action.url)}" style="background:#2f5bd3;color:#fff;padding:10px 16px;border-radius:8px;text-decoration:none">${escapeHtml(o.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:14px;color:#535a66">If the button does not work, open this address: ${escapeHtml(o.action.url)}</p>
<p style="margin:0 0 16px;font-size:14px;color:#535a66">${escapeHtml(o.footer)}</p>
<p style="margin:0;font-size:14px;color:#535a66">— ${escapeHtml(ctx.siteName)}, ${escapeHtml(ctx.baseUrl)}</p>
</body></html>`;
  return { subject: o.subject, text, html };
}
