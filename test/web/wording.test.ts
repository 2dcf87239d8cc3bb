// Counts said in words: the noun and the verb agree with the number, on every page that says one.
import { describe, expect, it } from 'vitest';
import { renderDiscussion } from '../../src/web/views/discussion.ts';
import { agree, plural } from '../../src/web/views/format.ts';

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('counts in words', () => {
  it('agree in number', () => {
    expect(`${plural(1, 'comment')} ${agree(1, 'is', 'are')}`).toBe('1 comment is');
    expect(`${plural(0, 'comment')} ${agree(0, 'is', 'are')}`).toBe('0 comments are');
    expect(`${plural(1234, 'paper')} ${agree(1234, 'is', 'are')}`).toBe('1,234 papers are');
    expect(plural(2, 'reply', 'replies')).toBe('2 replies');
  });

  it('say how many comments are on Hugging Face when none is here', () => {
    const say = (importedCount: number) =>
      text(String(renderDiscussion({ paperId: '2606.00001', path: '/papers/2606.00001', nodes: [], count: 0, importedCount })));
    expect(say(1)).toContain('1 comment on this paper is on Hugging Face.');
    expect(say(3)).toContain('3 comments on this paper are on Hugging Face.');
    expect(say(0)).not.toContain('on Hugging Face');
  });
});
