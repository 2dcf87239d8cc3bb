// Policy numbers of the discussion.

/** Longest comment, in characters of Markdown. */
export const MAX_COMMENT_CHARS = 10_000;
/** Replies nest at most this deep; deeper threads belong in a new reply to an earlier comment. */
export const MAX_COMMENT_DEPTH = 8;
/** What a deleted comment with replies shows in its place. */
export const DELETED_TEXT = '[deleted]';
/** What a hidden comment with replies shows to those who may not see it. */
export const HIDDEN_TEXT = '[hidden by a moderator]';

/**
 * The same text by the same member on the same paper (and parent) within this long is one comment
 * posted twice (a double click, a retried request): it is folded into the first, not stored again.
 */
export const DUPLICATE_COMMENT_WINDOW_MS = 10 * 60 * 1000;
