// Roles and what each may do. One ladder: every role can do what the roles below it can.
//   member     votes, comments, submits (unless submissions are for trusted members), claims authorship
//   trusted    also submits when FOLIO_SUBMIT_TRUSTED_ONLY is on
//   moderator  also hides papers and comments, suspends members and trusted members
//   admin      also grants roles, decides authorship claims, links any paper, reads the moderation log
export const ROLES = ['member', 'trusted', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { member: 0, trusted: 1, moderator: 2, admin: 3 };

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function roleAtLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

export const canModerate = (r: Role): boolean => roleAtLeast(r, 'moderator');
export const isAdmin = (r: Role): boolean => r === 'admin';
export const isTrusted = (r: Role): boolean => roleAtLeast(r, 'trusted');

/** A moderator acts on members and trusted members; an admin on anyone but themself. */
export function canSuspend(actor: { id: number; role: Role }, target: { id: number; role: Role }): boolean {
  if (actor.id === target.id) return false;
  if (actor.role === 'admin') return true;
  return actor.role === 'moderator' && RANK[target.role] < RANK.moderator;
}

/** Only admins grant roles, and never to themselves (so that the last admin cannot lock everyone out). */
export function canSetRole(actor: { id: number; role: Role }, target: { id: number }): boolean {
  return actor.role === 'admin' && actor.id !== target.id;
}
