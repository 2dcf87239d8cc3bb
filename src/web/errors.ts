// Errors a request can end in. A user's mistake is an HttpError with a clear message (4xx); anything
// else is unexpected, logged with context, and shown as a plain 500 page without details.

/** A link the site itself puts under an error message (never one made from what was asked for). */
export interface ErrorLink {
  href: string;
  text: string;
}

export class HttpError extends Error {
  link?: ErrorLink;
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const notFound = (message: string, link?: ErrorLink): HttpError => {
  const err = new HttpError(404, message);
  if (link) err.link = link;
  return err;
};
