// What an action refuses with: a status and a message for the person, the same for a page and the API.
// It is an HttpError, so the server's one error policy renders it (HTML page or JSON `{error}`).
import { HttpError } from '../web/errors.ts';

export class ActionError extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly code: string = 'refused',
    headers: Record<string, string> = {},
  ) {
    super(status, message, headers);
  }
}

export const refuse = (status: number, message: string, code?: string): ActionError => new ActionError(status, message, code);
