import path from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { DisposableEmbeddingModel } from '../../models/index.js';
import { createModelLoadError } from '../../models/index.js';
import { loadTransformersLibrary } from './_load-library.js';

export interface TransformersEmbeddingSettings {
  /**
   * A local model folder in the Hugging Face layout: `config.json`, `tokenizer.json`,
   * `tokenizer_config.json` and `onnx/model.onnx`. Nothing is ever downloaded.
   */
  modelDir: string;
  /**
   * How token vectors become one text vector: 'mean' (average; most sentence-transformers models),
   * 'cls' (the first token; BGE models) or 'last_token' (decoder embedders such as Qwen3-Embedding).
   * Check the model card. Default 'mean'.
   */
  pooling?: 'mean' | 'cls' | 'last_token';
  /** Scale vectors to length 1, so dot product equals cosine. Default true. */
  normalize?: boolean;
  /** Texts per `doEmbed` call, run through the model as one padded batch. Default 32. */
  maxEmbeddingsPerCall?: number;
}

const PROVIDER = 'transformers';

/**
 * An `EmbeddingModel` running a local ONNX model with transformers.js (`@huggingface/transformers`,
 * optional peer dependency, imported on first use). Loads lazily; `dimensions` becomes defined
 * after the first embed.
 *
 * transformers.js keeps its settings in a process-wide `env`: this adapter sets
 * `env.allowRemoteModels = false`, which also applies to any other transformers.js use in the process.
 *
 * Errors: `E_MODEL_LOAD` (package missing, folder missing or unreadable).
 *
 * @example
 * const model = createTransformersEmbeddingModel({ modelDir: 'models/bge-small-zh-v1.5', pooling: 'cls' });
 */
export function createTransformersEmbeddingModel(settings: TransformersEmbeddingSettings): DisposableEmbeddingModel {
  const { modelDir, pooling = 'mean', normalize = true } = settings;
  const modelPath = path.resolve(modelDir);
  let loaded: Promise<FeatureExtractionPipeline> | undefined;
  let dimensions: number | undefined;

  const load = async (): Promise<FeatureExtractionPipeline> => {
    const library = await loadTransformersLibrary(modelDir, 'config.json, tokenizer.json and onnx/model.onnx');
    try {
      // An absolute path is read as-is (localModelPath is not prepended to it). dtype is explicit
      // so transformers.js neither guesses nor warns.
      return await library.pipeline('feature-extraction', modelPath, { local_files_only: true, dtype: 'fp32' });
    } catch (cause) {
      throw createModelLoadError({
        provider: PROVIDER,
        modelId: modelDir,
        reason: `transformers.js could not load ${modelPath} (${String(cause)}). Check that onnx/model.onnx and tokenizer.json exist and match.`,
        cause,
      });
    }
  };

  const ensureLoaded = (): Promise<FeatureExtractionPipeline> => {
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
    maxEmbeddingsPerCall: settings.maxEmbeddingsPerCall ?? 32,
    get dimensions() {
      return dimensions;
    },
    async doEmbed({ values, abortSignal }) {
      if (values.length === 0) return { embeddings: [] };
      const extractor = await ensureLoaded();
      abortSignal?.throwIfAborted();
      const output = await extractor(values, { pooling, normalize });
      const embeddings = output.tolist() as number[][];
      dimensions ??= embeddings[0]?.length;
      return { embeddings };
    },
    async dispose() {
      const current = loaded;
      loaded = undefined;
      const extractor = await current?.catch(() => undefined);
      await extractor?.dispose();
    },
  };
}
