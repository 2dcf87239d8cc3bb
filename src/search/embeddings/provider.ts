// Where meaning-search vectors come from. Every provider turns texts into vectors; Folio normalises
// them to unit length (so that inner product is cosine) and never compares vectors of two `model`s.
//
// - builtin: the text model learnt from the instance's own corpus (search/model/), no download.
// - openai:  any OpenAI-compatible `POST /v1/embeddings` endpoint (OpenAI, Ollama, TEI, vLLM...).
// - onnx:    a local model run by the optional package @huggingface/transformers.
//
// The built-in model is trained at every rebuild whatever the provider: it supplies the tf-idf half of
// "similar papers", the neighbours used for smoothing, and the words that explain a match.
import type { Config } from '../../config.ts';
import type { TextModel } from '../model/text-model.ts';
import { OnnxProvider } from './onnx.ts';
import { OpenAiProvider } from './openai.ts';

export type ProviderName = 'builtin' | 'openai' | 'onnx';

/** Queries and documents may be embedded differently (prefixes such as E5's `query: ` / `passage: `). */
export type TextKind = 'query' | 'document';

export interface EmbeddingProvider {
  readonly name: ProviderName;
  /** The model's identity: vectors made under two different `model`s are not comparable. */
  readonly model: string;
  /** One vector per text, in order (not necessarily unit length). */
  embed(texts: readonly string[], kind: TextKind, signal?: AbortSignal): Promise<Float32Array[]>;
}

/** A failure of a provider that an operator can act on: the message says what to do. */
export class EmbeddingError extends Error {
  constructor(
    message: string,
    /** Retrying the same request may succeed (rate limit, server error, network). */
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** The built-in model as a provider: its LSA embedding. */
export class BuiltinProvider implements EmbeddingProvider {
  readonly name = 'builtin';
  readonly model: string;
  constructor(readonly textModel: TextModel) {
    this.model = `${textModel.info.version}/${textModel.dims}`;
  }
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.textModel.embed(t));
  }
}

/** The external provider the settings ask for, or null for the built-in one (which needs a trained model). */
export function externalProvider(config: Config): EmbeddingProvider | null {
  if (config.embeddings === 'openai') {
    return new OpenAiProvider({
      url: config.embeddingsUrl as string,
      model: config.embeddingsModel as string,
      ...(config.embeddingsApiKey ? { apiKey: config.embeddingsApiKey } : {}),
      ...(config.embeddingsDimensions ? { dimensions: config.embeddingsDimensions } : {}),
      batchSize: config.embeddingsBatch,
      timeoutMs: config.embeddingsTimeout * 1000,
      queryPrefix: config.embeddingsQueryPrefix,
      documentPrefix: config.embeddingsDocumentPrefix,
    });
  }
  if (config.embeddings === 'onnx') {
    return new OnnxProvider({
      ...(config.embeddingsModel ? { model: config.embeddingsModel } : {}),
      batchSize: config.embeddingsBatch,
      queryPrefix: config.embeddingsQueryPrefix,
      documentPrefix: config.embeddingsDocumentPrefix,
    });
  }
  return null;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  }
  return v;
}
