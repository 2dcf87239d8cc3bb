// The one test every link from outside passes before it is stored or shown.
import { describe, expect, it } from 'vitest';
import { normaliseProjectPage } from '../../src/domain/links.ts';
import { safeAvatarUrl, safeHttpUrl } from '../../src/domain/safe-url.ts';

const BAD = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  '\t\n javascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  'java\rscript:alert(1)',
  '\u0000javascript:alert(1)',
  '&#106;avascript:alert(1)',
  '&#x6A;avascript:alert(1)',
  'javascript&colon;alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'DATA:text/html;base64,PHNjcmlwdD4=',
  'vbscript:msgbox(1)',
  '//evil.example/x',
  '\\\\evil.example/x',
  'https:\\\\evil.example',
  'http://user:pass@x.example/',
  'http://user@x.example/',
  'https://bank.example@evil.example/',
  ' https://x.example/',
  'https://x.example/\u202ecod.exe',
  'https://x.example/a b',
  'http:/x.example',
  'http:///x',
  'ftp://x.example/',
  '/relative/path',
  '',
  `https://x.example/${'a'.repeat(3000)}`,
];

describe('safeHttpUrl', () => {
  it.each(BAD)('refuses %j', (url) => {
    expect(safeHttpUrl(url)).toBeNull();
    // Members' forms trim the ends first; no trimming turns one of these into a link but the spaced one.
    if (url !== ' https://x.example/') expect(normaliseProjectPage(url)).toBeNull();
  });

  it.each(['https://github.com/a/b', 'http://example.org/x?y=1&z=2#f', 'https://例え.jp/パス', 'HTTPS://EXAMPLE.ORG/'])(
    'keeps %s',
    (url) => {
      expect(safeHttpUrl(url)).toBe(url);
    },
  );

  it('refuses what is not a string', () => {
    expect(safeHttpUrl(null)).toBeNull();
    expect(safeHttpUrl(undefined)).toBeNull();
  });
});

describe('safeAvatarUrl', () => {
  it("keeps Hugging Face's generated-avatar paths and safe absolute images", () => {
    expect(safeAvatarUrl('/avatars/d3f68c2eba04f2698402cc532779a549.svg')).toBe('/avatars/d3f68c2eba04f2698402cc532779a549.svg');
    expect(safeAvatarUrl('https://cdn-avatars.huggingface.co/v1/a.jpeg')).toBe('https://cdn-avatars.huggingface.co/v1/a.jpeg');
  });

  it.each([
    '/avatars/../../admin',
    '//evil.example/avatars/d3f68c2eba04f2698402cc532779a549.svg',
    '/avatars/d3f68c2eba04f2698402cc532779a549.svg?x=1',
    '/static/avatar.svg',
    'javascript:alert(1)',
    'https://user:pw@evil.example/a.png',
  ])('refuses %s', (url) => {
    expect(safeAvatarUrl(url)).toBeNull();
  });
});
