// The digest mail: the top papers of a day or a week, as HTML that reads well in common mail clients and
// a plain-text twin that reads well on its own.
//
// HTML for mail is its own dialect: layout with tables (Outlook's Word engine knows nothing else), every
// style inline (most clients drop <style>; the one here only adds dark colours and narrow-screen padding
// for the clients that honour it), no images, no scripts, widths that shrink on a phone. Colours are
// mid-contrast so that clients which invert a light mail for dark mode still give a readable result.
// Every value is escaped (web/html.ts). Math in titles and summaries is written as Unicode text
// (domain/tex-text.ts): no mail client would load KaTeX's stylesheet.
import type { EntryView, PaperView } from '../db/queries/papers.ts';
import type { DigestPeriod, Topics } from '../domain/digest.ts';
import { safeHttpUrl } from '../domain/safe-url.ts';
import { texToText } from '../domain/tex-text.ts';
import { type Html, html, trusted } from '../web/html.ts';
import { compactNumber, dayRange, fullDay, plural, snippet } from '../web/views/format.ts';

export interface DigestPaper {
  id: string;
  title: string;
  authors: string[];
  organization?: string;
  summary: string;
  upvotes: number;
  comments: number;
  githubRepo?: string;
  githubStars?: number | null;
}

export interface DigestMailInput {
  siteName: string;
  baseUrl: string;
  period: DigestPeriod;
  papers: DigestPaper[];
  /** Papers on the period's list (the digest shows the top ones). */
  totalInPeriod: number;
  rank: 'trending' | 'upvotes';
  topics: Topics;
  recipient: string;
  isMember: boolean;
  unsubscribeUrl: string;
  /** Where the subscriber changes topics or frequency (their settings, or /subscribe). */
  manageUrl: string;
}

export interface DigestMail {
  subject: string;
  text: string;
  html: string;
  /** The first line a mail client shows beside the subject. */
  preheader: string;
}

/** Summaries are cut here, at a word boundary. */
export const SUMMARY_CHARS = 300;
/** Authors named before "and N others". */
const AUTHORS_NAMED = 4;
const TEXT_WIDTH = 72;

export function digestPaperOf(v: PaperView | EntryView): DigestPaper {
  const org = ('entryOrganization' in v ? v.entryOrganization : undefined) ?? v.organization;
  const summary = texToText(v.paper.ai_summary?.trim() || v.paper.abstract);
  return {
    id: v.paper.id,
    title: texToText(v.paper.title).replace(/\s+/g, ' ').trim(),
    authors: v.authors.filter((a) => a.hidden !== 1).map((a) => a.name),
    ...(org ? { organization: org.fullname || org.name } : {}),
    summary: snippet(summary, SUMMARY_CHARS),
    upvotes: v.upvotes,
    comments: v.numComments,
    ...(safeHttpUrl(v.paper.github_repo) ? { githubRepo: v.paper.github_repo as string, githubStars: v.paper.github_stars } : {}),
  };
}

export function paperUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/papers/${id.split('/').map(encodeURIComponent).join('/')}`;
}

export function arxivUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function authorLine(authors: string[]): string {
  if (authors.length <= AUTHORS_NAMED) return authors.join(', ');
  return `${authors.slice(0, AUTHORS_NAMED - 1).join(', ')} and ${authors.length - (AUTHORS_NAMED - 1)} others`;
}

function periodName(p: DigestPeriod): string {
  return p.frequency === 'daily' ? fullDay(p.key) : `week ${Number(p.key.split('-W')[1])} (${dayRange(p)})`;
}

/** Categories as they are, searches in quotes (unless they hold quotes of their own). */
export function topicsLine(t: Topics): string {
  return [...t.categories, ...t.queries.map((q) => (q.includes('"') ? q : `“${q}”`))].join(', ');
}

export function digestSubject(siteName: string, period: DigestPeriod): string {
  const when = period.frequency === 'daily' ? fullDay(period.key).replace(/^\w+, /, '') : `week ${Number(period.key.split('-W')[1])}`;
  return `Top papers of ${when} · ${siteName}`;
}

function intro(i: DigestMailInput): string {
  const by = i.rank === 'trending' ? 'by trending score' : 'by upvotes';
  const topics = topicsLine(i.topics);
  if (topics) return `The ${plural(i.papers.length, 'paper')} on your topics (${topics}) among the ${i.totalInPeriod} on the list, ${by}.`;
  return i.papers.length < i.totalInPeriod
    ? `The top ${i.papers.length} of the ${i.totalInPeriod} papers on the list, ${by}.`
    : `The ${plural(i.papers.length, 'paper')} on the list, ${by}.`;
}

function why(i: DigestMailInput): string {
  const what = i.period.frequency === 'daily' ? 'daily digest (Monday to Friday)' : 'weekly digest (on Mondays)';
  return `You receive the ${what} of ${i.siteName} at ${i.recipient} because you ${i.isMember ? 'turned it on in your settings' : 'subscribed and confirmed your address'}.`;
}

/** Wraps plain text at TEXT_WIDTH columns, each line after the first indented. */
function wrap(s: string, indent: string): string {
  const words = s.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && indent.length + line.length + 1 + w.length > TEXT_WIDTH) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

function textPart(i: DigestMailInput): string {
  const out: string[] = [];
  out.push(`Top papers of ${periodName(i.period)} on ${i.siteName}`, '', wrap(intro(i), ''), '');
  i.papers.forEach((p, n) => {
    const facts = [`▲ ${plural(p.upvotes, 'upvote')}`, plural(p.comments, 'comment')];
    out.push(wrap(`${n + 1}. ${p.title}`, '').replace(/\n/g, '\n   '));
    const by = [authorLine(p.authors), p.organization].filter(Boolean).join(' — ');
    if (by) out.push(wrap(by, '   '));
    out.push(wrap(p.summary, '   '));
    out.push(`   Read: ${paperUrl(i.baseUrl, p.id)}`, `   arXiv: ${arxivUrl(p.id)}`);
    if (p.githubRepo) out.push(`   Code: ${p.githubRepo}${p.githubStars ? ` (★ ${compactNumber(p.githubStars)})` : ''}`);
    out.push(`   ${facts.join(' · ')}`, '');
  });
  out.push('-- ', wrap(why(i), ''), `Change topics or frequency: ${i.manageUrl}`, `Unsubscribe (one click): ${i.unsubscribeUrl}`, '');
  return out.join('\n');
}

// Colours: text, muted text, borders, page and card backgrounds, links (light scheme; dark in <style>).
const C = {
  fg: '#14171c',
  body: '#2b3038',
  muted: '#5b6370',
  line: '#e3e6ea',
  page: '#f2f4f7',
  card: '#ffffff',
  link: '#2450c7',
  chip: '#f1f4fb',
};
const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

const DARK_STYLE = trusted(`<style>
@media (prefers-color-scheme: dark) {
  .f-page { background:#0f1216 !important; }
  .f-card { background:#171b21 !important; border-color:#2a3039 !important; }
  .f-fg { color:#eef0f3 !important; }
  .f-body { color:#d3d7de !important; }
  .f-muted { color:#9da5b1 !important; }
  .f-link { color:#8fb0ff !important; }
  .f-chip { background:#212733 !important; border-color:#323a47 !important; color:#c8d6ff !important; }
  .f-rule { border-color:#2a3039 !important; }
}
@media (max-width: 620px) {
  .f-pad { padding-left:18px !important; padding-right:18px !important; }
  .f-title { font-size:17px !important; }
}
</style>`);

function chip(href: string, label: Html | string): Html {
  return html`<a class="f-chip" href="${href}" style="display:inline-block;margin:0 6px 6px 0;padding:5px 11px;border:1px solid #d5dcec;border-radius:999px;background:${C.chip};color:${C.link};font-size:13px;line-height:18px;text-decoration:none;white-space:nowrap">${label}</a>`;
}

function paperBlock(i: DigestMailInput, p: DigestPaper, n: number): Html {
  const url = paperUrl(i.baseUrl, p.id);
  const by = authorLine(p.authors);
  return html`<tr><td class="f-pad f-rule" style="padding:22px 28px;border-top:1px solid ${C.line}">
<p class="f-muted" style="margin:0 0 6px;font-size:12px;line-height:16px;letter-spacing:.04em;text-transform:uppercase;color:${C.muted}">#${n + 1} &nbsp;·&nbsp; ▲ ${compactNumber(p.upvotes)} &nbsp;·&nbsp; ${plural(p.comments, 'comment')}</p>
<h2 style="margin:0 0 6px;font-size:18px;line-height:24px;font-weight:600"><a class="f-fg f-title" href="${url}" style="color:${C.fg};text-decoration:none">${p.title}</a></h2>
${by || p.organization ? html`<p class="f-muted" style="margin:0 0 10px;font-size:14px;line-height:20px;color:${C.muted}">${by}${by && p.organization ? html` &nbsp;·&nbsp; ` : ''}${p.organization ? html`<strong style="font-weight:600">${p.organization}</strong>` : ''}</p>` : ''}
<p class="f-body" style="margin:0 0 12px;font-size:15px;line-height:23px;color:${C.body}">${p.summary}</p>
<div>${chip(url, i.siteName.length <= 24 ? `Read on ${i.siteName}` : 'Read on the site')}${chip(arxivUrl(p.id), 'arXiv')}${
    p.githubRepo && safeHttpUrl(p.githubRepo)
      ? chip(p.githubRepo, html`Code${p.githubStars ? html` · ★ ${compactNumber(p.githubStars)}` : ''}`)
      : ''
  }</div>
</td></tr>`;
}

function htmlPart(i: DigestMailInput, subject: string, preheader: string): string {
  const heading = `Top papers of ${periodName(i.period)}`;
  const listUrl = i.period.frequency === 'daily' ? `${i.baseUrl}/papers/date/${i.period.key}` : `${i.baseUrl}/papers/week/${i.period.key}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${subject}</title>
${DARK_STYLE}
</head>
<body class="f-page" style="margin:0;padding:0;background:${C.page};-webkit-text-size-adjust:100%">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;mso-hide:all">${preheader}</div>
<table role="presentation" class="f-page" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:${C.page}">
<tr><td align="center" style="padding:24px 10px 32px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:620px;font-family:${FONT}">
<tr><td class="f-pad" style="padding:0 28px 14px">
<a class="f-fg" href="${i.baseUrl}/papers" style="font-size:20px;line-height:28px;font-weight:700;color:${C.fg};text-decoration:none">${i.siteName}</a>
<span class="f-muted" style="font-size:14px;color:${C.muted}">&nbsp; ${i.period.frequency === 'daily' ? 'Daily digest' : 'Weekly digest'}</span>
</td></tr>
<tr><td class="f-card" style="background:${C.card};border:1px solid ${C.line};border-radius:14px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
<tr><td class="f-pad" style="padding:26px 28px 20px">
<h1 class="f-fg" style="margin:0 0 8px;font-size:24px;line-height:30px;font-weight:700;color:${C.fg}">${heading}</h1>
<p class="f-muted" style="margin:0;font-size:15px;line-height:22px;color:${C.muted}">${intro(i)} <a class="f-link" href="${listUrl}" style="color:${C.link}">See the whole list</a>.</p>
</td></tr>
${i.papers.map((p, n) => paperBlock(i, p, n))}
</table>
</td></tr>
<tr><td class="f-pad" style="padding:18px 28px 0">
<p class="f-muted" style="margin:0 0 8px;font-size:13px;line-height:19px;color:${C.muted}">${why(i)}</p>
<p class="f-muted" style="margin:0;font-size:13px;line-height:19px;color:${C.muted}"><a class="f-link" href="${i.manageUrl}" style="color:${C.link}">Change topics or frequency</a> &nbsp;·&nbsp; <a class="f-link" href="${i.unsubscribeUrl}" style="color:${C.link}">Unsubscribe</a></p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`.value;
}

export function digestMail(i: DigestMailInput): DigestMail {
  const subject = digestSubject(i.siteName, i.period);
  const preheader = snippet(i.papers.map((p) => p.title).join(' · '), 140);
  return { subject, preheader, text: textPart(i), html: htmlPart(i, subject, preheader) };
}
