// Reading a form shown again after a refusal: the message beside each field, the kept values, the summary.
import type { HTMLElement } from 'node-html-parser';
import { dom, text } from './pages.ts';

export interface RefusedForm {
  /** Field name -> the message shown beside it (found through the field's aria-describedby). */
  errors: Record<string, string>;
  /** Field name -> the value it shows again. */
  values: Record<string, string>;
  /** The lines of the summary on top of the form. */
  summary: string[];
  root: HTMLElement;
}

export function refusedForm(body: string, formSelector = 'form'): RefusedForm {
  const root = dom(body);
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  const form = root.querySelector(formSelector) ?? root;
  for (const el of form.querySelectorAll('input, textarea, select')) {
    const name = el.getAttribute('name');
    if (!name || name === '_csrf') continue;
    const type = el.getAttribute('type');
    if (type === 'radio' || type === 'checkbox') {
      // A choice counts only when it is checked (the last checked of a group, as a form would send).
      if (el.hasAttribute('checked')) values[name] = el.getAttribute('value') ?? 'on';
    } else if (el.tagName === 'TEXTAREA') {
      // As a browser reads it back: entities decoded, the newline right after the tag dropped.
      values[name] = (el as HTMLElement).text.replace(/^\n/, '');
    } else if (el.tagName === 'SELECT') {
      values[name] = el.querySelector('option[selected]')?.getAttribute('value') ?? '';
    } else values[name] = el.getAttribute('value') ?? '';
    if (el.getAttribute('aria-invalid') === 'true') {
      const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/);
      const message = ids.map((id) => root.querySelector(`[id="${id}"].field__error`)).find(Boolean);
      errors[name] = text(message as HTMLElement | null);
    }
  }
  const summary = [...root.querySelectorAll('[data-form-problems] li')].map((li) => text(li as HTMLElement));
  return { errors, values, summary, root };
}
