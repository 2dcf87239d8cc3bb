import { html } from '../html.ts';

/** A plain error page; replaced by the site layout's version. */
export function renderErrorPage(status: number, message: string): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status}</title></head><body><h1>${status}</h1><p>${message}</p><p><a href="/papers">Back to today's papers</a></p></body></html>`.value;
}
