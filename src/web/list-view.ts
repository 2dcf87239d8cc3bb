// Which list view a request gets, and `POST /view` that changes it.
//
// A member's choice is kept with their account (it follows them to every device); a visitor's in a
// `folio_view` cookie. Lists are cached once per view (the view is part of the cache key), so the
// compact list costs no more than the full one and never reaches someone who chose the other.
//
// The toggle sits on cached pages, which carry no visitor's form token: for a visitor the post is
// checked only for coming from this site (it changes nothing but how this browser's lists look); a
// member's post carries their session's token as every other form does.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { chooseListView } from '../actions/list-view.ts';
import { DEFAULT_LIST_VIEW, isListView, LIST_VIEWS, type ListView } from '../domain/list-view.ts';
import { isSecure, safeReturnTo } from './auth.ts';
import type { AppContext } from './context.ts';
import { parseForm } from './send-page.ts';

export const LIST_VIEW_COOKIE = 'folio_view';
/** A visitor's choice is remembered for a year. */
const COOKIE_DAYS = 365;

export function listViewOf(req: FastifyRequest): ListView {
  if (req.member) return req.member.listView;
  const c = req.cookies[LIST_VIEW_COOKIE];
  return isListView(c) ? c : DEFAULT_LIST_VIEW;
}

/** The cache variant of a list page for this request ('' for the default view: the plain URL key). */
export function listVariant(view: ListView): string {
  return view === DEFAULT_LIST_VIEW ? '' : view;
}

const ViewForm = z.object({ view: z.enum(LIST_VIEWS), return_to: z.string().max(2000).optional() });

export function registerListView(app: FastifyInstance, ctx: AppContext): void {
  app.post('/view', { config: { csrf: 'same-site' } }, async (req, reply) => {
    const f = parseForm(ViewForm, req.body);
    if (req.member) await chooseListView({ db: ctx.store.db, userId: req.member.id, view: f.view });
    reply.setCookie(LIST_VIEW_COOKIE, f.view, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: isSecure(ctx.config, req),
      maxAge: COOKIE_DAYS * 86_400,
    });
    return reply.redirect(safeReturnTo(f.return_to), 303);
  });
}
