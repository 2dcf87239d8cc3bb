// A local embedding model run in-process by @huggingface/transformers (ONNX Runtime). The package is
// an optional extra, not installed by default (it is large, and it downloads the model on first use):
// `npm install @huggingface/transformers` enables FOLIO_EMBEDDINGS=onnx.
import { EmbeddingError, type EmbeddingProvider, type TextKind } from './provider.ts';

/** A small, widely used sentence-embedding model (384 dims). */
export const DEFAULT_ONNX_MODEL = 'Xenova/all-MiniLM-L6-v2';
export const ONNX_PACKAGE = '@huggingface/transformers';

export const MISSING_PACKAGE_MESSAGE =
  `FOLIO_EMBEDDINGS=onnx needs the optional package ${ONNX_PACKAGE}, which is not installed. ` +
  `Run \`npm install ${ONNX_PACKAGE}\` in Folio's folder (the model is downloaded on first use), ` +
  'or set FOLIO_EMBEDDINGS=builtin (no download) or openai (an embeddings endpoint).';

export interface OnnxOptions {
  model?: string;
  batchSize: number;
  queryPrefix?: string;
  documentPrefix?: string;
  /** For tests: how the package is imported. */
  importer?: (name: string) => Promise<unknown>;
}

type Extractor = (texts: string[], o: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

export class OnnxProvider implements EmbeddingProvider {
  readonly name = 'onnx';
  readonly model: string;
  private extractor: Promise<Extractor> | undefined;

  constructor(private readonly o: OnnxOptions) {
    this.model = `onnx:${o.model ?? DEFAULT_ONNX_MODEL}`;
  }

  private load(): Promise<Extractor> {
    this.extractor ??= (async () => {
      let mod: { pipeline?: (task: string, model: string) => Promise<Extractor> };
      try {
        // A variable name keeps bundlers and the type checker from requiring the optional package.
        const name = ONNX_PACKAGE;
        mod = (await (this.o.importer ?? ((n: string) => import(n)))(name)) as typeof mod;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)/.test(String(e))) {
          throw new EmbeddingError(MISSING_PACKAGE_MESSAGE);
        }
        throw new EmbeddingError(`${ONNX_PACKAGE} could not be loaded: ${(e as Error).message}`);
      }
      if (typeof mod.pipeline !== 'function') throw new EmbeddingError(`${ONNX_PACKAGE} has no pipeline(): is it version 3 or later?`);
      try {
        return await mod.pipeline('feature-extraction', this.o.model ?? DEFAULT_ONNX_MODEL);
      } catch (e) {
        throw new EmbeddingError(`the ONNX model ${this.o.model ?? DEFAULT_ONNX_MODEL} could not be loaded: ${(e as Error).message}`);
      }
    })();
    this.extractor.catch(() => {
      this.extractor = undefined;
    });
    return this.extractor;
  }

  async embed(texts: readonly string[], kind: TextKind): Promise<Float32Array[]> {
    const extract = await this.load();
    const prefix = (kind === 'query' ? this.o.queryPrefix : this.o.documentPrefix) ?? '';
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.o.batchSize) {
      const batch = texts.slice(i, i + this.o.batchSize).map((t) => `${prefix}${t}`);
      const t = await extract(batch, { pooling: 'mean', normalize: true });
      const d = t.dims[t.dims.length - 1] as number;
      for (let r = 0; r < batch.length; r++) out.push(Float32Array.from(t.data.subarray(r * d, (r + 1) * d)));
    }
    return out;
  }
}
