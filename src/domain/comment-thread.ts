// Builds a paper's discussion as a tree, siblings in the documented order (domain/wilson.ts).
// A deleted comment, or a hidden one the reader may not see, keeps its place as a placeholder while
// it has replies to show, and disappears otherwise.
import { compareComments, type Rankable } from './wilson.ts';

export interface ThreadInput extends Rankable {
  parent_id: number | null;
  deleted_at: string | null;
  hidden_at: string | null;
}

export interface ThreadNode<T extends ThreadInput> {
  comment: T;
  /** 'shown', or why the body is replaced by a placeholder. */
  state: 'shown' | 'deleted' | 'hidden' | 'hidden-visible';
  replies: ThreadNode<T>[];
}

export function buildThread<T extends ThreadInput>(rows: T[], o: { seeHidden: boolean }): ThreadNode<T>[] {
  const children = new Map<number | null, T[]>();
  for (const r of rows) {
    const list = children.get(r.parent_id) ?? [];
    list.push(r);
    children.set(r.parent_id, list);
  }
  const build = (parent: number | null): ThreadNode<T>[] => {
    const kids = [...(children.get(parent) ?? [])].sort(compareComments);
    const out: ThreadNode<T>[] = [];
    for (const c of kids) {
      const replies = build(c.id);
      let state: ThreadNode<T>['state'] = 'shown';
      if (c.deleted_at) state = 'deleted';
      else if (c.hidden_at) state = o.seeHidden ? 'hidden-visible' : 'hidden';
      if ((state === 'deleted' || state === 'hidden') && !replies.length) continue;
      out.push({ comment: c, state, replies });
    }
    return out;
  };
  return build(null);
}

/** Comments a reader sees with their text (for counts). */
export function countShown<T extends ThreadInput>(nodes: ThreadNode<T>[]): number {
  return nodes.reduce((n, x) => n + (x.state === 'shown' || x.state === 'hidden-visible' ? 1 : 0) + countShown(x.replies), 0);
}
