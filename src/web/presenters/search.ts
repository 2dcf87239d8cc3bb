// Search results, similar papers and "for you" items in the daily item shape of the Hugging Face API
// (presentPaperItem), with what each adds: highlights for a search, the words that explain a match.
import type { ForYouItem } from '../../search/for-you.ts';
import type { SearchHit } from '../../search/search.ts';
import type { SimilarPaper } from '../../search/similar.ts';
import { presentPaperItem } from './hf.ts';

/** `GET /api/papers/search`: highlightedTitle / highlightedSummary concatenate back to title / summary. */
export function presentSearchItem(h: SearchHit) {
  return { ...presentPaperItem(h.view), highlightedTitle: h.highlightedTitle, highlightedSummary: h.highlightedSummary };
}

/** `GET /api/papers/{id}/similar`: plus the similarity (0-1) and the shared words that explain it. */
export function presentSimilarItem(s: SimilarPaper) {
  return { ...presentPaperItem(s.view), similarity: Math.round(s.score * 1e4) / 1e4, reasons: s.words };
}

/** `GET /api/for-you`: plus the model's score (0-1), the explaining words and the closest upvoted paper. */
export function presentForYouItem(f: ForYouItem) {
  return {
    ...presentPaperItem(f.view),
    score: Math.round(f.score * 1e4) / 1e4,
    reasons: f.words,
    ...(f.because ? { closestUpvoted: f.because } : {}),
  };
}
