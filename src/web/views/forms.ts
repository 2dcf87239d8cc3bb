// Pieces of the member forms: fields with labels and errors, the CSRF field, notices.
// A form shown again after a refusal keeps what was typed and puts each message beside its field
// (`aria-invalid`, the message joined to the field by `aria-describedby`), with a summary on top
// that links to each field: the same with or without the page's script.
import type { FieldMessages } from '../../actions/errors.ts';
import { type Html, html } from '../html.ts';

/** What a form shows again after a refusal: a message for the whole form and one per field. */
export interface FormState {
  message?: string;
  errors?: FieldMessages;
}

function describedBy(id: string, o: { hint?: string | undefined; error?: string | undefined }): Html {
  const ids = [o.error ? `${id}-error` : '', o.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"` : html``;
}

function fieldError(id: string, error: string | undefined): Html {
  return error ? html`<p class="field__error" id="${id}-error">${error}</p>` : html``;
}

/**
 * The summary on top of a form shown again: one line per field message, linking to its field (ids as
 * `field()` makes them, or as given), and the message for the whole form.
 */
export function formProblems(
  state: FormState | undefined,
  o: { labels?: Record<string, string>; ids?: Record<string, string> } = {},
): Html {
  if (!state) return html``;
  const entries = Object.entries(state.errors ?? {});
  if (!entries.length) return notice(state.message);
  const items = entries.map(
    ([name, message]) =>
      html`<li><a href="#${o.ids?.[name] ?? `f-${name}`}">${o.labels?.[name] ? html`${o.labels[name]}: ` : ''}${message}</a></li>`,
  );
  const heading = entries.length === 1 ? 'One thing to correct' : `${entries.length} things to correct`;
  return html`<div class="notice notice--error form-problems" role="alert" tabindex="-1" data-form-problems>
  <p class="form-problems__title">${heading}</p>
  <ul class="form-problems__list">${items}</ul>
</div>`;
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export interface FieldOptions {
  label: string;
  name: string;
  type?: 'text' | 'email' | 'password' | 'url' | 'search';
  value?: string;
  autocomplete?: string;
  required?: boolean;
  maxlength?: number;
  minlength?: number;
  hint?: string;
  placeholder?: string;
  autofocus?: boolean;
  id?: string;
  /** The refusal's message about this field, shown beside it. */
  error?: string | undefined;
}

export function field(o: FieldOptions): Html {
  const id = o.id ?? `f-${o.name}`;
  return html`<div class="field${o.error ? ' field--invalid' : ''}">
  <label class="field__label" for="${id}">${o.label}</label>
  <input class="field__input" id="${id}" name="${o.name}" type="${o.type ?? 'text'}"${o.value !== undefined ? html` value="${o.value}"` : ''}${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''
  }${o.required ? html` required` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.minlength ? html` minlength="${o.minlength}"` : ''}${
    o.placeholder ? html` placeholder="${o.placeholder}"` : ''
  }${o.autofocus ? html` autofocus` : ''}${o.error ? html` aria-invalid="true"` : ''}${describedBy(id, o)}>
  ${fieldError(id, o.error)}${o.hint ? html`<p class="field__hint" id="${id}-hint">${o.hint}</p>` : ''}
</div>`;
}

export function textarea(o: {
  label: string;
  name: string;
  value?: string;
  maxlength?: number;
  rows?: number;
  hint?: string;
  id?: string;
  required?: boolean;
  visuallyHiddenLabel?: boolean;
  error?: string | undefined;
  autofocus?: boolean;
}): Html {
  const id = o.id ?? `f-${o.name}`;
  return html`<div class="field${o.error ? ' field--invalid' : ''}">
  <label class="field__label${o.visuallyHiddenLabel ? ' visually-hidden' : ''}" for="${id}">${o.label}</label>
  <textarea class="field__input field__input--area" id="${id}" name="${o.name}" rows="${o.rows ?? 5}"${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.required ? html` required` : ''}${
    o.error ? html` aria-invalid="true"` : ''
  }${o.autofocus ? html` autofocus` : ''}${describedBy(id, o)}>${/* HTML drops a newline right after the tag: one is given, so a value's own first newline stays. */ '\n'}${o.value ?? ''}</textarea>
  ${fieldError(id, o.error)}${o.hint ? html`<p class="field__hint" id="${id}-hint">${o.hint}</p>` : ''}
</div>`;
}

export function notice(text: string | Html | undefined, kind: 'error' | 'ok' | 'info' = 'error'): Html {
  if (!text) return html``;
  return html`<div class="notice notice--${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}

/** A page-sized card with a heading, for the account forms. */
export function card(title: string, body: Html, o: { wide?: boolean } = {}): Html {
  return html`<section class="card${o.wide ? ' card--wide' : ''}" aria-labelledby="card-title">
  <h1 id="card-title" class="card__title">${title}</h1>
  ${body}
</section>`;
}
