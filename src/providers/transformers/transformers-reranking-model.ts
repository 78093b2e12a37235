import path from 'node:path';
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import type { DisposableRerankingModel } from '../../models/index.js';
import { createModelLoadError } from '../../models/index.js';
import { loadTransformersLibrary } from './_load-library.js';

export interface TransformersRerankingSettings {
  /**
   * A local cross-encoder folder in the Hugging Face layout — `config.json`, `tokenizer.json`,
   * `tokenizer_config.json`, `onnx/model.onnx` — of a sequence-classification model with one
   * output logit, such as an ONNX export of BAAI/bge-reranker-v2-m3 or bge-reranker-base. Nothing
   * is ever downloaded.
   */
  modelDir: string;
  /**
   * Map the logit through the logistic function to (0, 1), as bge-reranker's `normalize=True` and
   * the rerank APIs do, so scores read alike across providers. Order is the same either way.
   * Default true.
   */
  normalize?: boolean;
  /** Pairs per `doRerank` call, run through the model as one padded batch. Default 16. */
  maxDocumentsPerCall?: number;
}

const PROVIDER = 'transformers';

interface LoadedCrossEncoder {
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
}

/**
 * A `RerankingModel` running a local ONNX cross-encoder with transformers.js
 * (`@huggingface/transformers`, optional peer dependency, imported on first use). Each
 * (query, document) pair is tokenized as one input — `[CLS] query [SEP] document [SEP]`, cut to the
 * model's window — and the model's single logit is the score.
 *
 * transformers.js keeps its settings in a process-wide `env`: this adapter sets
 * `env.allowRemoteModels = false`, which also applies to any other transformers.js use in the process.
 *
 * Errors: `E_MODEL_LOAD` (package missing, folder missing or unreadable, a model with more than
 * one logit per pair).
 *
 * @example
 * const model = createTransformersRerankingModel({ modelDir: 'models/bge-reranker-v2-m3' });
 * const { ranking } = await rerank(model, { query: '试用期最长多久', documents });
 */
export function createTransformersRerankingModel(settings: TransformersRerankingSettings): DisposableRerankingModel {
  const { modelDir, normalize = true } = settings;
  const modelPath = path.resolve(modelDir);
  let loaded: Promise<LoadedCrossEncoder> | undefined;

  const load = async (): Promise<LoadedCrossEncoder> => {
    const library = await loadTransformersLibrary(modelDir, 'config.json, tokenizer.json and onnx/model.onnx of a sequence-classification model');
    try {
      const options = { local_files_only: true, dtype: 'fp32' } as const;
      const [tokenizer, model] = await Promise.all([
        library.AutoTokenizer.from_pretrained(modelPath, { local_files_only: true }),
        library.AutoModelForSequenceClassification.from_pretrained(modelPath, options),
      ]);
      return { tokenizer, model };
    } catch (cause) {
      throw createModelLoadError({
        provider: PROVIDER,
        modelId: modelDir,
        reason: `transformers.js could not load ${modelPath} as a sequence-classification model (${String(cause)}). Check that onnx/model.onnx and tokenizer.json exist and match.`,
        cause,
      });
    }
  };

  const ensureLoaded = (): Promise<LoadedCrossEncoder> => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId: modelDir,
    maxDocumentsPerCall: settings.maxDocumentsPerCall ?? 16,
    async doRerank({ query, documents, abortSignal }) {
      if (documents.length === 0) return { ranking: [] };
      const { tokenizer, model } = await ensureLoaded();
      abortSignal?.throwIfAborted();
      const inputs = tokenizer(new Array<string>(documents.length).fill(query), { text_pair: documents, padding: true, truncation: true });
      const { logits } = (await model(inputs)) as { logits?: Tensor };
      const labels = logits?.dims.at(-1);
      if (logits === undefined || labels !== 1) {
        const found = logits === undefined ? 'no "logits" output' : `${String(labels)} logits per pair`;
        throw createModelLoadError({
          provider: PROVIDER,
          modelId: modelDir,
          reason: `the model gives ${found}; a reranker (bge-reranker style) gives one relevance logit per (query, passage) pair. Use a single-label sequence-classification cross-encoder.`,
          details: { logitsShape: logits?.dims ?? null },
        });
      }
      const values = (logits.tolist() as number[][]).map((row) => row[0]!);
      return { ranking: values.map((logit, index) => ({ index, score: normalize ? 1 / (1 + Math.exp(-logit)) : logit })) };
    },
    async dispose() {
      const current = loaded;
      loaded = undefined;
      const crossEncoder = await current?.catch(() => undefined);
      await crossEncoder?.model.dispose();
    },
  };
}
