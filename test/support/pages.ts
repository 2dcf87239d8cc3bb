// Helpers for page tests: read the Daily Papers files the tests import, write crafted ones, and look
// into rendered HTML with a real parser rather than with regular expressions.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HTMLElement, parse } from 'node-html-parser';

/** The fields of a Daily Papers item the page tests compare against. */
export interface DailyItem {
  paper: {
    id: string;
    title: string;
    summary: string;
    upvotes?: number;
    authors: { name: string; hidden?: boolean; user?: { user: string }; status?: string }[];
    organization?: { name: string; fullname?: string };
    githubRepo?: string;
    submittedOnDailyBy?: { user?: string; name?: string; fullname?: string };
  };
  submittedBy?: { user?: string; name?: string; fullname?: string };
  organization?: { name: string; fullname?: string };
  thumbnail?: string;
  numComments?: number;
}

export function readDaily(path: string): DailyItem[] {
  return JSON.parse(readFileSync(path, 'utf8')) as DailyItem[];
}

/** Writes a Daily Papers body for `day` into `dir` and returns its path. */
export function writeDaily(dir: string, day: string, items: unknown[]): string {
  const path = join(dir, `${day}.json`);
  writeFileSync(path, JSON.stringify(items));
  return path;
}

export function dom(body: string): HTMLElement {
  return parse(body);
}

/** Hrefs of the paper links of a list page, in order. */
export function paperLinks(root: HTMLElement): string[] {
  return root.querySelectorAll('[data-paper-link]').map((a) => a.getAttribute('href') ?? '');
}

/** Ids of the listed papers, in order. */
export function listedIds(root: HTMLElement): string[] {
  return paperLinks(root).map((h) => decodeURIComponent(h.replace(/^\/papers\//, '')));
}

/** Upvote counts shown on a list page, in order. */
export function voteCounts(root: HTMLElement): number[] {
  return root.querySelectorAll('[data-paper-item] .vote__count').map((e) => Number(e.text.replace(/,/g, '')));
}

export function href(root: HTMLElement, selector: string): string | undefined {
  return root.querySelector(selector)?.getAttribute('href') ?? undefined;
}

/** The text of an element with whitespace collapsed. */
export function text(el: HTMLElement | null | undefined): string {
  return (el?.text ?? '').replace(/\s+/g, ' ').trim();
}
