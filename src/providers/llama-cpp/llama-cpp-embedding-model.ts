import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import type { DisposableEmbeddingModel } from '../../models/index.js';
import { createModelLoadError } from '../../models/index.js';
import { defaultThreadCount, getRecentLlamaLog, loadGgufModel } from './_llama.js';

export interface LlamaCppEmbeddingSettings {
  /** Path to a GGUF embedding model, e.g. `models/bge-m3-Q8_0.gguf`. */
  modelPath: string;
  /** CPU threads for evaluation. Default: the physical cores this process can use (see `_llama.ts`). */
  threads?: number;
  /** Tokens per text the context can hold. Default: node-llama-cpp's "auto" (up to the trained size, as memory allows). */
  contextSize?: number;
  /** Texts per `doEmbed` call; they are embedded one after another. Default 16. */
  maxEmbeddingsPerCall?: number;
}

const PROVIDER = 'llama-cpp';

/**
 * An `EmbeddingModel` running a GGUF model in-process with node-llama-cpp (optional peer
 * dependency, imported on first use). The model loads lazily on the first embed; `dimensions`
 * becomes defined then. Runs on the CPU and never downloads or compiles anything.
 *
 * Errors: `E_MODEL_LOAD` (package missing, no binary, unreadable model). `dispose()` frees the
 * context and model; the shared llama.cpp backend stays loaded for other adapters.
 *
 * @example
 * const model = createLlamaCppEmbeddingModel({ modelPath: 'models/bge-m3-Q8_0.gguf', threads: 2 });
 * try { await embedMany(model, texts); } finally { await model.dispose(); }
 */
export function createLlamaCppEmbeddingModel(settings: LlamaCppEmbeddingSettings): DisposableEmbeddingModel {
  const { modelPath } = settings;
  let loaded: Promise<{ model: LlamaModel; context: LlamaEmbeddingContext }> | undefined;
  let dimensions: number | undefined;
  // One context evaluates one sequence at a time: calls are queued behind each other.
  let queue: Promise<unknown> = Promise.resolve();

  const load = async (): Promise<{ model: LlamaModel; context: LlamaEmbeddingContext }> => {
    const { llama, model } = await loadGgufModel(modelPath);
    try {
      const context = await model.createEmbeddingContext({
        threads: settings.threads ?? defaultThreadCount(llama),
        ...(settings.contextSize === undefined ? {} : { contextSize: settings.contextSize }),
      });
      dimensions = model.embeddingVectorSize;
      return { model, context };
    } catch (cause) {
      await model.dispose();
      throw createModelLoadError({
        provider: PROVIDER,
        modelId: modelPath,
        reason: `could not create an embedding context (${String(cause)}). Try a smaller contextSize.`,
        cause,
        details: { contextSize: settings.contextSize, llamaLog: getRecentLlamaLog() },
      });
    }
  };

  const ensureLoaded = (): Promise<{ model: LlamaModel; context: LlamaEmbeddingContext }> => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  const embed = async (values: string[], abortSignal: AbortSignal | undefined): Promise<number[][]> => {
    const { model, context } = await ensureLoaded();
    const embeddings: number[][] = [];
    for (const value of values) {
      abortSignal?.throwIfAborted();
      // An empty string tokenizes to nothing and llama.cpp returns an empty vector; embed the BOS
      // token alone instead, which is what the model sees at the start of every text.
      const bos = model.tokens.bos;
      const input = value === '' && bos !== null ? [bos] : value;
      const { vector } = await context.getEmbeddingFor(input);
      embeddings.push(vector.length === 0 ? new Array<number>(model.embeddingVectorSize).fill(0) : [...vector]);
    }
    return embeddings;
  };

  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId: modelPath,
    maxEmbeddingsPerCall: settings.maxEmbeddingsPerCall ?? 16,
    get dimensions() {
      return dimensions;
    },
    async doEmbed({ values, abortSignal }) {
      const result = queue.then(() => embed(values, abortSignal));
      queue = result.catch(() => undefined);
      return { embeddings: await result };
    },
    async dispose() {
      const current = loaded;
      loaded = undefined;
      if (current === undefined) return;
      await queue;
      const { model, context } = await current.catch(() => ({ model: undefined, context: undefined }));
      await context?.dispose();
      await model?.dispose();
    },
  };
}
