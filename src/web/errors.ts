// Errors a request can end in. A user's mistake is an HttpError with a clear message (4xx); anything
// else is unexpected, logged with context, and shown as a plain 500 page without details.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const notFound = (message: string): HttpError => new HttpError(404, message);
