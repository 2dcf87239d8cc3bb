// Pure rules of the member features: Wilson lower bound and thread order, submission rules, rate-limit
// windows, roles, account fields, link normalisation, and the comment renderer's sanitising.
import { describe, expect, it } from 'vitest';
import { emailProblem, fullnameProblem, passwordProblem, usernameProblem } from '../../src/domain/accounts.ts';
import { estimatePassword, MIN_PASSWORD_SCORE } from '../../src/domain/password-strength.ts';

const passwordScore = (p: string) => estimatePassword(p).score;

import { buildThread } from '../../src/domain/comment-thread.ts';
import { normaliseGithubRepo, normaliseProjectPage } from '../../src/domain/links.ts';
import { RATE_LIMITS, retryAfterSeconds, scaledLimit, windowAt } from '../../src/domain/rate-limits.ts';
import { canSetRole, canSuspend, roleAtLeast } from '../../src/domain/roles.ts';
import { checkSubmission, type SubmissionSettings } from '../../src/domain/submission-rules.ts';
import { compareComments, wilsonLowerBound } from '../../src/domain/wilson.ts';
import { hashPassword, needsRehash, verifyPassword } from '../../src/security/passwords.ts';
import { renderCommentMarkdown } from '../../src/web/views/markdown.ts';

describe('Wilson lower bound', () => {
  it('is 0 without votes, grows with evidence, and ranks 40/5 above 1/0', () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(1, 0)).toBeGreaterThan(0);
    expect(wilsonLowerBound(40, 5)).toBeGreaterThan(wilsonLowerBound(1, 0));
    expect(wilsonLowerBound(10, 0)).toBeGreaterThan(wilsonLowerBound(5, 0));
    expect(wilsonLowerBound(5, 5)).toBeLessThan(wilsonLowerBound(5, 0));
    // The value for 1 up, z = 1.2816: (1 + z²/2 − z·√(z²/4)) / (1 + z²) = 1 / (1 + z²)
    expect(wilsonLowerBound(1, 0)).toBeCloseTo(1 / (1 + 1.281551565545 ** 2), 10);
  });

  it('orders ties by age, then id, and builds threads with placeholders only where replies need them', () => {
    const rows = [
      { id: 3, parent_id: null, score: 0, created_at: '2026-01-01T00:00:02Z', deleted_at: null, hidden_at: null },
      { id: 1, parent_id: null, score: 0, created_at: '2026-01-01T00:00:01Z', deleted_at: '2026-01-02T00:00:00Z', hidden_at: null },
      { id: 2, parent_id: 1, score: 0.5, created_at: '2026-01-01T00:00:03Z', deleted_at: null, hidden_at: null },
      { id: 4, parent_id: null, score: 0.2, created_at: '2026-01-01T00:00:04Z', deleted_at: '2026-01-02T00:00:00Z', hidden_at: null },
      { id: 5, parent_id: null, score: 0.1, created_at: '2026-01-01T00:00:05Z', deleted_at: null, hidden_at: '2026-01-02T00:00:00Z' },
    ];
    expect([...rows].sort(compareComments).map((r) => r.id)).toEqual([2, 4, 5, 1, 3]);
    const t = buildThread(rows, { seeHidden: false });
    expect(t.map((n) => [n.comment.id, n.state])).toEqual([
      [1, 'deleted'],
      [3, 'shown'],
    ]);
    expect(t[0]?.replies.map((n) => n.comment.id)).toEqual([2]);
    expect(buildThread(rows, { seeHidden: true }).map((n) => n.comment.id)).toEqual([5, 1, 3]);
  });
});

describe('submission rules', () => {
  const rules: SubmissionSettings = { maxAgeDays: 14, perDay: 5, trustedOnly: false, allowRelist: false };
  const now = new Date('2026-06-10T12:00:00Z');
  const base = { role: 'member' as const, now, publishedAt: '2026-06-05T00:00:00Z', listedDays: [], hidden: false, submittedToday: 0 };

  it('passes a fresh, unlisted paper and names each refusal', () => {
    expect(checkSubmission(base, rules)).toBeNull();
    expect(checkSubmission({ ...base, listedDays: ['2026-06-01'] }, rules)?.code).toBe('duplicate');
    expect(checkSubmission({ ...base, listedDays: ['2026-06-01'] }, { ...rules, allowRelist: true })).toBeNull();
    expect(checkSubmission({ ...base, listedDays: ['2026-06-10'] }, { ...rules, allowRelist: true })?.code).toBe('duplicate');
    expect(checkSubmission({ ...base, publishedAt: '2026-05-26T11:00:00Z' }, rules)?.code).toBe('too_old');
    expect(checkSubmission({ ...base, publishedAt: '2026-05-27T12:00:00Z' }, rules)).toBeNull(); // exactly 14 days
    expect(checkSubmission({ ...base, publishedAt: '2026-01-01T00:00:00Z' }, { ...rules, maxAgeDays: 0 })).toBeNull();
    const cap = checkSubmission({ ...base, submittedToday: 5 }, rules);
    expect(cap).toMatchObject({ code: 'daily_cap', status: 429, retryAfter: 12 * 3600 });
    expect(checkSubmission({ ...base, submittedToday: 50 }, { ...rules, perDay: 0 })).toBeNull();
    expect(checkSubmission(base, { ...rules, trustedOnly: true })?.code).toBe('not_trusted');
    expect(checkSubmission({ ...base, role: 'trusted' }, { ...rules, trustedOnly: true })).toBeNull();
    expect(checkSubmission({ ...base, hidden: true }, rules)?.code).toBe('hidden');
  });
});

describe('rate limits and roles', () => {
  it('uses fixed windows and scales limits', () => {
    expect(windowAt(125_000, 60)).toEqual({ start: 120_000, end: 180_000 });
    expect(retryAfterSeconds(125_000, 180_000)).toBe(55);
    expect(retryAfterSeconds(179_999, 180_000)).toBe(1);
    expect(scaledLimit(RATE_LIMITS.votes, 1)).toBe(120);
    expect(scaledLimit(RATE_LIMITS.votes, 0)).toBe(0);
    expect(scaledLimit(RATE_LIMITS.signUpIp, 0.01)).toBe(1);
  });

  it('lets moderators act on members only, and admins grant roles to others only', () => {
    expect(roleAtLeast('admin', 'moderator')).toBe(true);
    expect(roleAtLeast('trusted', 'moderator')).toBe(false);
    expect(canSuspend({ id: 1, role: 'moderator' }, { id: 2, role: 'trusted' })).toBe(true);
    expect(canSuspend({ id: 1, role: 'moderator' }, { id: 2, role: 'moderator' })).toBe(false);
    expect(canSuspend({ id: 1, role: 'admin' }, { id: 1, role: 'admin' })).toBe(false);
    expect(canSuspend({ id: 1, role: 'member' }, { id: 2, role: 'member' })).toBe(false);
    expect(canSetRole({ id: 1, role: 'admin' }, { id: 2 })).toBe(true);
    expect(canSetRole({ id: 1, role: 'admin' }, { id: 1 })).toBe(false);
    expect(canSetRole({ id: 1, role: 'moderator' }, { id: 2 })).toBe(false);
  });
});

describe('account fields and links', () => {
  it('checks usernames, emails, passwords and names', () => {
    expect(usernameProblem('ada_l-1')).toBeNull();
    for (const bad of ['a', '-ada', 'ada lovelace', 'ädä', 'a'.repeat(40), 'Admin', "o'brien"])
      expect(usernameProblem(bad), bad).not.toBeNull();
    expect(emailProblem('ada@example.org')).toBeNull();
    for (const bad of ['ada', 'ada@', '@x.org', 'a b@x.org', '<a>@x.org', `${'a'.repeat(250)}@x.org`])
      expect(emailProblem(bad), bad).not.toBeNull();
    expect(passwordProblem('x'.repeat(9))).not.toBeNull();
    expect(passwordProblem('velvet quarry'.padEnd(10, 'x'))).toBeNull();
    expect(passwordProblem('x'.repeat(201))).not.toBeNull();
    // Long enough is not enough: guessable passwords are refused, with the reason and what to do.
    for (const weak of ['1234567890', 'aaaaaaaaaa', 'x'.repeat(10), 'password123', 'qwertyuiop']) {
      expect(passwordProblem(weak), weak).toMatch(/too easy to guess/);
    }
    expect(passwordProblem('ada@example.org', { username: 'ada', email: 'ada@example.org' })).toMatch(/personal/);
    expect(passwordProblem('lovelace-ada', { username: 'lovelace', email: 'ada@example.org', fullname: 'Ada Lovelace' })).toMatch(
      /too easy to guess/,
    );
    expect(passwordProblem('correct horse battery staple', { username: 'ada', email: 'ada@example.org' })).toBeNull();
    expect(passwordScore('marble orbit lantern quiet')).toBeGreaterThanOrEqual(MIN_PASSWORD_SCORE);
    expect(fullnameProblem('Ada Lovelace — 李')).toBeNull();
    expect(fullnameProblem('evil\u202Egnp.exe')).not.toBeNull();
  });

  it('normalises GitHub repositories and project pages, refusing other schemes', () => {
    expect(normaliseGithubRepo('https://github.com/owner/repo.git')).toBe('https://github.com/owner/repo');
    expect(normaliseGithubRepo('https://github.com/owner/repo/')).toBe('https://github.com/owner/repo');
    expect(normaliseGithubRepo('https://gitlab.com/owner/repo')).toBeNull();
    expect(normaliseGithubRepo('https://github.com/owner/repo/issues')).toBeNull();
    expect(normaliseProjectPage('https://example.org/p?q=1')).toBe('https://example.org/p?q=1');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'https://user:pw@example.org/', 'ftp://x.org/', 'not a url'])
      expect(normaliseProjectPage(bad), bad).toBeNull();
  });
});

describe('comment Markdown', () => {
  it('renders Markdown and math, and keeps dollars that are money', () => {
    const out = renderCommentMarkdown('**Bold** and $e^{i\\pi}+1=0$; it costs $5 and $10.');
    expect(out).toContain('<strong>Bold</strong>');
    expect(out).toContain('class="katex"');
    expect(out).toContain('it costs $5 and $10.');
  });

  it('leaves no markup a commenter chose: raw HTML is text, links are http(s) or mailto only', () => {
    const out = renderCommentMarkdown('<b onclick="x()">hi</b> [a](javascript:alert(1)) [b](mailto:a@b.org) [c](https://x.org)');
    expect(out).not.toContain('<b');
    expect(out).toContain('&lt;b onclick');
    expect(out).not.toContain('href="javascript:');
    expect(out).toContain('href="mailto:a@b.org"');
    expect(out).toContain('href="https://x.org" rel="nofollow ugc noopener noreferrer"');
  });

  it('cannot be tricked into inserting math where the text names the placeholder', () => {
    const out = renderCommentMarkdown('FOLIOMATH0FOLIOMATH and $x$');
    expect(out).toContain('FOLIOMATH0FOLIOMATH');
    expect((out.match(/class="katex"/g) ?? []).length).toBe(1);
  });
});

describe('passwords', () => {
  it('hash with scrypt, verify, and tell old parameters', async () => {
    const h = await hashPassword('a long password');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('a long password', h)).toBe(true);
    expect(await verifyPassword('a long passworD', h)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99999999999$8$1$aa$bb')).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
    expect(needsRehash(h)).toBe(false);
    expect(needsRehash(h.replace('$32768$', '$16384$'))).toBe(true);
  });
});
