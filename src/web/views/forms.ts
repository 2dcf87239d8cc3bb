// Pieces of the member forms: fields with labels and errors, the CSRF field, notices.
import { type Html, html } from '../html.ts';

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
}

export function field(o: FieldOptions): Html {
  const id = o.id ?? `f-${o.name}`;
  return html`<div class="field">
  <label class="field__label" for="${id}">${o.label}</label>
  <input class="field__input" id="${id}" name="${o.name}" type="${o.type ?? 'text'}"${o.value !== undefined ? html` value="${o.value}"` : ''}${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''
  }${o.required ? html` required` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.minlength ? html` minlength="${o.minlength}"` : ''}${
    o.placeholder ? html` placeholder="${o.placeholder}"` : ''
  }${o.autofocus ? html` autofocus` : ''}${o.hint ? html` aria-describedby="${id}-hint"` : ''}>
  ${o.hint ? html`<p class="field__hint" id="${id}-hint">${o.hint}</p>` : ''}
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
}): Html {
  const id = o.id ?? `f-${o.name}`;
  return html`<div class="field">
  <label class="field__label${o.visuallyHiddenLabel ? ' visually-hidden' : ''}" for="${id}">${o.label}</label>
  <textarea class="field__input field__input--area" id="${id}" name="${o.name}" rows="${o.rows ?? 5}"${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.required ? html` required` : ''}${
    o.hint ? html` aria-describedby="${id}-hint"` : ''
  }>${o.value ?? ''}</textarea>
  ${o.hint ? html`<p class="field__hint" id="${id}-hint">${o.hint}</p>` : ''}
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
