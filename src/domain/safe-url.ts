// The one test a URL from outside (an imported file, a member's form, a row already stored) passes
// before it becomes an href or a src: an absolute http(s) URL and nothing that a browser could read
// as another scheme. Browsers drop tabs and newlines inside a scheme (`java\tscript:`), skip leading
// spaces and controls, and take `//host` as "same scheme, other host", so the check is on the exact
// text, before any parser has tidied it: anything but a plain `http://` or `https://` start is refused.

/** Longest link kept: the longest field the import formats allow for a URL. */
export const MAX_LINK_CHARS = 2000;

/** Characters no link we emit may hold: controls, whitespace, backslashes, bidi and zero-width marks. */
const UNSAFE_CHARS = /[\u0000-\u0020\u007F-\u00A0\\\u00AD\u061C\u180E\u200B-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]/;
const HTTP_START = /^https?:\/\/[^/]/i;

/** The URL itself when it is a safe absolute http(s) link (no credentials), else null. */
export function safeHttpUrl(s: string | null | undefined): string | null {
  if (typeof s !== 'string' || s.length > MAX_LINK_CHARS) return null;
  if (!HTTP_START.test(s) || UNSAFE_CHARS.test(s)) return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) return null;
  // `http://user:pass@bank.example@evil.example` shows one host and goes to another.
  if (u.username || u.password) return null;
  return s;
}

/**
 * Hugging Face's generated avatars come as paths on huggingface.co (`/avatars/<md5>.svg`). They are
 * kept, so that the compatible API hands back what Hugging Face does; pages show only absolute images
 * (a relative path would point at this site), so these draw the default avatar there.
 */
const HF_GENERATED_AVATAR = /^\/avatars\/[0-9a-f]{32}\.svg$/;

/** An avatar: a safe absolute http(s) URL, or a Hugging Face generated-avatar path; else null. */
export function safeAvatarUrl(s: string | null | undefined): string | null {
  if (typeof s === 'string' && HF_GENERATED_AVATAR.test(s)) return s;
  return safeHttpUrl(s);
}
