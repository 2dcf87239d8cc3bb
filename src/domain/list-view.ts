// How a list shows its papers. `full`: title, abstract, authors, thumbnail (the default, for reading);
// `compact`: title, authors and counts only, several times as many papers on a screen (for scanning).
export const LIST_VIEWS = ['full', 'compact'] as const;
export type ListView = (typeof LIST_VIEWS)[number];
export const DEFAULT_LIST_VIEW: ListView = 'full';

export function isListView(v: unknown): v is ListView {
  return typeof v === 'string' && (LIST_VIEWS as readonly string[]).includes(v);
}
