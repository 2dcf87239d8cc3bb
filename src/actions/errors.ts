// What an action refuses with: a status and a message for the person, the same for a page and the API.
// It is an HttpError, so the server's one error policy renders it (HTML page or JSON `{error}`).
//
// A refusal about what was typed names its form field (`field`), or, when several fields are wrong at
// once, carries one message per field (`FormProblems`): a page shows each message beside its field with
// the typed values kept, and the API answers `{error, code, fields}`.
import { HttpError } from '../web/errors.ts';

export type FieldMessages = Record<string, string>;

export class ActionError extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly code: string = 'refused',
    headers: Record<string, string> = {},
    /** The form field the message is about, when it is about one. */
    readonly field?: string,
  ) {
    super(status, message, headers);
  }
}

/** Several fields wrong at once: every message, so that nobody fixes one and meets the next. */
export class FormProblems extends ActionError {
  constructor(
    readonly fields: FieldMessages,
    status = 400,
    code = 'invalid',
  ) {
    super(status, summarise(fields), code);
  }
}

function summarise(fields: FieldMessages): string {
  const messages = Object.values(fields);
  return messages.length === 1 ? (messages[0] as string) : `Please correct ${messages.length} things: ${messages.join(' ')}`;
}

export const refuse = (status: number, message: string, code?: string): ActionError => new ActionError(status, message, code);

/** A refusal about one field. */
export const invalidField = (field: string, message: string, code = `invalid_${field}`, status = 400): ActionError =>
  new ActionError(status, message, code, {}, field);

/**
 * Throws every problem found, keyed by field, or nothing. `problems` maps a field to its message or null
 * (fine), as the pure rules in `domain/` return them.
 */
export function throwProblems(problems: Record<string, string | null | undefined>, code = 'invalid'): void {
  const fields: FieldMessages = {};
  for (const [k, v] of Object.entries(problems)) if (v) fields[k] = v;
  const names = Object.keys(fields);
  if (names.length === 1) {
    const name = names[0] as string;
    throw invalidField(name, fields[name] as string, code === 'invalid' ? `invalid_${name}` : code);
  }
  if (names.length > 1) throw new FormProblems(fields, 400, code);
}

/** The messages of a refusal by field, for a form shown again; the rest is a message for the whole form. */
export function fieldMessagesOf(err: unknown): FieldMessages {
  if (err instanceof FormProblems) return err.fields;
  if (err instanceof ActionError && err.field) return { [err.field]: err.message };
  return {};
}

/**
 * Throws the refusals found (undefined: that check passed), each about its field: one as it is, with its
 * own status and code; several as one 400 holding every message, so that all are said at once.
 */
export function throwRefusals(refusals: (ActionError | undefined)[]): void {
  const found = refusals.filter((r): r is ActionError => r !== undefined);
  const [first, ...rest] = found;
  if (!first) return;
  if (!rest.length) throw first;
  throw new FormProblems(Object.fromEntries(found.map((r) => [r.field ?? 'form', r.message])));
}

/** The refusal a check throws, or undefined when it passes (to say it beside others found with it). */
export function refusalThrownBy(check: () => unknown): ActionError | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    if (e instanceof ActionError) return e;
    throw e;
  }
}
