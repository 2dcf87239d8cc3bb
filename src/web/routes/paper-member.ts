// What the paper page shows beyond the paper: its discussion (for everyone), and for a signed-in
// member their tools (claim, links, moderation) and their votes in the thread.
import { claimsOn } from '../../actions/authorship.ts';
import { isAuthorOf } from '../../actions/organisations.ts';
import { commentVotesOf, paperComments } from '../../db/queries/comments.ts';
import type { Member } from '../../db/queries/members.ts';
import type { PaperView } from '../../db/queries/papers.ts';
import { buildThread, countShown } from '../../domain/comment-thread.ts';
import { canModerate, isAdmin } from '../../domain/roles.ts';
import { confirmToVoteHint } from '../confirm-to-vote.ts';
import type { AppContext } from '../context.ts';
import type { Html } from '../html.ts';
import { type DiscussionViewer, type OpenCommentForm, renderDiscussion } from '../views/discussion.ts';
import type { PaperPageExtras } from '../views/paper-page.ts';
import { hiddenBanner, renderPaperTools, type ToolRefusal } from '../views/paper-tools.ts';

export async function discussionFor(ctx: AppContext, paperId: string, path: string, viewer?: DiscussionViewer): Promise<Html> {
  const rows = await paperComments(ctx.store.db, paperId);
  const nodes = buildThread(rows, { seeHidden: viewer ? canModerate(viewer.member.role) : false });
  const paper = await ctx.store.db.selectFrom('papers').select('imported_comments').where('id', '=', paperId).executeTakeFirst();
  return renderDiscussion({
    paperId,
    path,
    nodes,
    count: countShown(nodes),
    importedCount: paper?.imported_comments ?? 0,
    ...(viewer ? { viewer } : {}),
  });
}

/** `open`: the comment form the member just sent, shown again (refused, or a preview). */
export async function memberExtras(
  ctx: AppContext,
  view: PaperView,
  m: Member,
  path: string,
  open?: OpenCommentForm,
): Promise<PaperPageExtras> {
  const db = ctx.store.db;
  const id = view.paper.id;
  const commentIds = (await db.selectFrom('comments').select('id').where('paper_id', '=', id).execute()).map((r) => r.id);
  const viewer: DiscussionViewer = {
    member: m,
    votes: await commentVotesOf(db, m.id, commentIds),
    canWrite: m.emailConfirmed || !ctx.config.requireConfirmedEmail,
    ...(open ? { open } : {}),
  };
  return {
    ...(view.paper.hidden ? { banner: hiddenBanner() } : {}),
    ...(viewer.canWrite ? {} : { voteNote: confirmToVoteHint() }),
    discussion: await discussionFor(ctx, id, path, viewer),
    aside: await paperToolsFor(ctx, view, m, path),
  };
}

/** The member's tools beside the paper; `refused`: one of their forms, shown again with its messages. */
export async function paperToolsFor(ctx: AppContext, view: PaperView, m: Member, path: string, refused?: ToolRefusal): Promise<Html> {
  const db = ctx.store.db;
  const id = view.paper.id;
  const orgs = isAdmin(m.role)
    ? await db.selectFrom('organizations').select(['name', 'fullname']).orderBy('name').limit(500).execute()
    : await db
        .selectFrom('org_members as om')
        .innerJoin('organizations as o', 'o.id', 'om.org_id')
        .select(['o.name', 'o.fullname'])
        .where('om.user_id', '=', m.id)
        .orderBy('o.name')
        .execute();
  return renderPaperTools({
    view,
    path,
    member: m,
    claims: await claimsOn(db, id, m.id),
    isAuthor: await isAuthorOf(db, m.id, id),
    canClaim: m.emailConfirmed || !ctx.config.requireConfirmedEmail,
    orgs,
    ...(refused ? { refused } : {}),
  });
}
