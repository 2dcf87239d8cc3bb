// A form refused and shown again in place: which form of the page it was, what the refusal said (beside
// each field, or for the whole form) and what was typed. A page with several forms (settings, admin)
// shows the messages in the refused form only, so that the others read as they did.
import { fieldMessagesOf } from '../actions/errors.ts';
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

/**
 * The refusal a form shows in place, or undefined for what is not the person's to correct (a 5xx, a
 * bug), which the server's one error policy answers.
 */
export function refusalOf<F extends string>(e: unknown, form: F, body: unknown, key?: string | number): Refusal<F> | undefined {
  if (!(e instanceof HttpError) || e.status >= 500) return undefined;
  const errors = fieldMessagesOf(e);
  return {
    form,
    ...(key !== undefined ? { key: String(key) } : {}),
    state: Object.keys(errors).length ? { errors } : { message: e.message },
    values: formValues(body),
    status: e.status,
    headers: e.headers,
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
