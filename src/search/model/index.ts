// The built-in text model: public surface.
export { CorpusIndex, centroid, type ScoredDoc, SMOOTHING_NEIGHBOURS, SMOOTHING_WEIGHT, smoothVector } from './corpus-index.ts';
export type { SparseVector } from './sparse.ts';
export {
  type DocVector,
  defaultDims,
  denseDot,
  type ExplainTerm,
  MAX_DIMS,
  MIN_DIMS,
  MODEL_VERSION,
  TextModel,
  type TextModelInfo,
  type TextModelJson,
  type TrainOptions,
} from './text-model.ts';
export { normalizeText, STOP_WORDS, tokenize } from './tokenizer.ts';
