// A form refused and shown again in place: which form of the page it was, what the refusal said (beside
// each field, or for the whole form) and what was typed. A page with several forms (settings, admin)
// shows the messages in the refused form only, so that the others read as they did.
import { type FieldMessages, fieldMessagesOf } from '../actions/errors.ts';
import { HttpError } from './errors.ts';
import { formValues } from './send-page.ts';
import type { FormState } from './views/forms.ts';

export interface Refusal<F extends string = string> {
  /** The refused form, as its page names its forms. */
  form: F;
  /** Which of several alike forms (one per member row, say) it was. */
  key?: string;
  state: FormState;
  /** What was typed, as sent. Views never put a password back into its field. */
  values: Record<string, string>;
  status: number;
  headers: Record<string, string>;
}

/** A refusal the person can correct (a 4xx), or undefined for what the server's one error policy answers. */
export function correctable(e: unknown): HttpError | undefined {
  return e instanceof HttpError && e.status < 500 ? e : undefined;
}

/** A refusal as a form shows it: messages beside their fields, or one message for the whole form. */
export function formStateOf(e: HttpError): { errors: FieldMessages } | { message: string } {
  const errors = fieldMessagesOf(e);
  return Object.keys(errors).length ? { errors } : { message: e.message };
}

/** The same, for the pages whose views take the whole form's message as `error`. */
export function shownRefusal(e: HttpError): { errors: FieldMessages } | { error: string } {
  const s = formStateOf(e);
  return 'errors' in s ? s : { error: s.message };
}

/**
 * The refusal a form shows in place, or undefined for what is not the person's to correct (a 5xx, a
 * bug), which the server's one error policy answers.
 */
export function refusalOf<F extends string>(e: unknown, form: F, body: unknown, key?: string | number): Refusal<F> | undefined {
  const err = correctable(e);
  if (!err) return undefined;
  return {
    form,
    ...(key !== undefined ? { key: String(key) } : {}),
    state: formStateOf(err),
    values: formValues(body),
    status: err.status,
    headers: err.headers,
  };
}

/** The refusal when it is about this form (and this one of several alike), else undefined. */
export function refusedHere<F extends string>(r: Refusal<F> | undefined, form: F, key?: string | number): Refusal<F> | undefined {
  if (!r || r.form !== form) return undefined;
  return key === undefined || r.key === String(key) ? r : undefined;
}

/**
 * The summary's links for a form: each shown field's id, and for a message about a field the form does
 * not show (a hidden field sent altered), the form's first field, so that every link lands in the form.
 */
export function summaryIds(state: FormState | undefined, ids: Record<string, string>): Record<string, string> {
  const first = Object.values(ids)[0] ?? '';
  const out: Record<string, string> = { ...ids };
  for (const name of Object.keys(state?.errors ?? {})) out[name] ??= first;
  return out;
}
