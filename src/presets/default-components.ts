import { createAnalyzer } from '../analysis/index.js';
import { createChunker } from '../chunking/index.js';
import type { HangjiaConfig } from '../config/index.js';
import { HangjiaError } from '../errors/index.js';
import type { KnowledgeBaseComponents, KnowledgeBaseSettings } from '../knowledge-base/index.js';
import type { Reranker } from '../retrieval/index.js';
import { createMilvusVectorStoreConnector, createQdrantVectorStoreConnector, type VectorStoreConnector } from '../index/index.js';
import { rerank, type DisposableRerankingModel, type EmbeddingModel, type LanguageModel, type ProviderRetry, type RerankingModel } from '../models/index.js';
import {
  createHttpRerankingModel,
  createTransformersRerankingModel,
  createLlamaCppChatModel,
  createLlamaCppEmbeddingModel,
  createOpenAICompatibleChatModel,
  createOpenAICompatibleEmbeddingModel,
  createTransformersEmbeddingModel,
} from '../providers/index.js';

/**
 * The embedding model the configuration asks for, or undefined for `none`. In-process runtimes
 * (node-llama-cpp, transformers.js) are optional peer dependencies loaded only here, on demand.
 */
export function createEmbeddingModelFromConfig(embedding: HangjiaConfig['embedding']): EmbeddingModel | undefined {
  const require = (setting: string, value: string | undefined): string => {
    if (value) return value;
    throw new HangjiaError(
      'E_CONFIG',
      `embedding.provider is "${embedding.provider}", which needs ${setting} (set it in hangjia.config.yaml, or with the matching HANGJIA_* variable).`,
      { details: { setting, provider: embedding.provider } },
    );
  };
  switch (embedding.provider) {
    case 'none':
      return undefined;
    case 'openai-compatible':
      return createOpenAICompatibleEmbeddingModel({
        baseURL: require('embedding.baseURL', embedding.baseURL),
        model: require('embedding.model', embedding.model),
        ...(embedding.apiKey ? { apiKey: embedding.apiKey } : {}),
        ...(embedding.dimensions ? { dimensions: embedding.dimensions } : {}),
      });
    case 'llama-cpp':
      return createLlamaCppEmbeddingModel({
        modelPath: require('embedding.modelPath', embedding.modelPath),
        ...(embedding.threads ? { threads: embedding.threads } : {}),
      });
    case 'transformers':
      return createTransformersEmbeddingModel({ modelDir: require('embedding.modelDir', embedding.modelDir) });
  }
}

/**
 * The default wiring, as a function of the knowledge base's settings: the Chinese-first analyzer
 * with the knowledge base's user dictionary, the structure-aware chunker with its chunking bounds,
 * and the embedding model the configuration names.
 *
 * @example
 * const kb = openKnowledgeBase({ home: config.home, name: 'law' }, createDefaultComponents(config));
 */
export function createDefaultComponents(config: HangjiaConfig): (settings: KnowledgeBaseSettings) => KnowledgeBaseComponents {
  // One connector (one client, one connection pool) for every knowledge base opened with this configuration.
  const vectorStore = createVectorStoreConnectorFromConfig(config.vectors);
  return (settings) => {
    const embeddingModel = createEmbeddingModelFromConfig(config.embedding);
    return {
      analyzer: createAnalyzer(settings.userDictionary?.length ? { userDictionary: settings.userDictionary } : {}),
      chunker: createChunker(settings.chunking ?? config.chunking),
      ...(embeddingModel ? { embeddingModel } : {}),
      ...(config.embedding.queryPrefix || config.embedding.documentPrefix
        ? { embeddingPrefixes: { query: config.embedding.queryPrefix ?? '', document: config.embedding.documentPrefix ?? '' } }
        : {}),
      search: config.search,
      ...(vectorStore ? { vectorStore } : {}),
    };
  };
}

/**
 * The vector database the configuration names, or undefined for `flat` (the in-process index).
 * Its client package is imported on the first collection opened, not here.
 */
export function createVectorStoreConnectorFromConfig(vectors: HangjiaConfig['vectors']): VectorStoreConnector | undefined {
  if (vectors.store === 'flat') return undefined;
  if (!vectors.url) {
    throw new HangjiaError(
      'E_CONFIG',
      `vectors.store is "${vectors.store}", which needs vectors.url (${vectors.store === 'qdrant' ? 'e.g. http://127.0.0.1:6333' : 'e.g. 127.0.0.1:19530'}): set it in hangjia.config.yaml or with HANGJIA_VECTORS_URL.`,
      { details: { setting: 'vectors.url', store: vectors.store } },
    );
  }
  return vectors.store === 'qdrant'
    ? createQdrantVectorStoreConnector({ url: vectors.url, ...(vectors.apiKey ? { apiKey: vectors.apiKey } : {}) })
    : createMilvusVectorStoreConnector({ address: vectors.url, ...(vectors.apiKey ? { token: vectors.apiKey } : {}) });
}

/**
 * How long an interactive command (`ask`, `chat`) waits for an endpoint, chosen so the worst case
 * stays near a minute: 3 attempts × 20 s to the first token, plus 0.25–1.5 s of backoff. Batch
 * jobs (data generate, eval) keep `model.timeoutMs` (default 120 s) and 3 retries: they run
 * unattended, and a busy CPU server can take minutes on a long prompt.
 */
export const INTERACTIVE_MODEL_TIMEOUTS = { timeoutMs: 20_000, maxRetries: 2 } as const;

/** What a caller adds to the configured chat model: its own timeouts and a retry observer. */
export interface LanguageModelCallerOptions {
  timeoutMs?: number;
  maxRetries?: number;
  onRetry?: (retry: ProviderRetry) => void;
}

/**
 * The chat model the configuration asks for (`model.provider` must not be `none`: check first).
 * The in-process runtime is an optional peer dependency loaded only on first use.
 */
export function createLanguageModelFromConfig(settings: HangjiaConfig['model'], caller: LanguageModelCallerOptions = {}): LanguageModel {
  const require = (setting: string, value: string | undefined, variable: string): string => {
    if (value) return value;
    throw new HangjiaError(
      'E_CONFIG',
      `model.provider is "${settings.provider}", which needs model.${setting}: set it in hangjia.config.yaml or with ${variable}.`,
      { details: { setting: `model.${setting}`, provider: settings.provider } },
    );
  };
  if (settings.provider === 'llama-cpp') {
    return createLlamaCppChatModel({
      modelPath: require('modelPath', settings.modelPath, 'HANGJIA_MODEL_PATH'),
      ...(settings.loraPath ? { loraPath: settings.loraPath } : {}),
      ...(settings.threads ? { threads: settings.threads } : {}),
      ...(settings.contextSize ? { contextSize: settings.contextSize } : {}),
    });
  }
  return createOpenAICompatibleChatModel({
    baseURL: require('baseURL', settings.baseURL, 'HANGJIA_BASE_URL'),
    model: require('model', settings.model, 'HANGJIA_MODEL'),
    timeoutMs: caller.timeoutMs ?? settings.timeoutMs,
    ...(caller.maxRetries === undefined ? {} : { maxRetries: caller.maxRetries }),
    ...(caller.onRetry ? { onRetry: caller.onRetry } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.contextSize ? { contextSize: settings.contextSize } : {}),
  });
}

/**
 * The reranking model `rerank` settings ask for, or undefined for `none`. The local runtime
 * (transformers.js) is an optional peer dependency loaded only on first use.
 */
export function createRerankingModelFromConfig(settings: HangjiaConfig['rerank']): RerankingModel | undefined {
  const require = (setting: string, value: string | undefined, variable: string): string => {
    if (value) return value;
    throw new HangjiaError('E_CONFIG', `rerank.provider is "${settings.provider}", which needs rerank.${setting}: set it in hangjia.config.yaml or with ${variable}.`, {
      details: { setting: `rerank.${setting}`, provider: settings.provider },
    });
  };
  switch (settings.provider) {
    case 'none':
      return undefined;
    case 'http':
      return createHttpRerankingModel({
        baseURL: require('baseURL', settings.baseURL, 'HANGJIA_RERANK_BASE_URL'),
        ...(settings.model ? { model: settings.model } : {}),
        ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
      });
    case 'transformers':
      return createTransformersRerankingModel({ modelDir: require('modelDir', settings.modelDir, 'HANGJIA_RERANK_MODEL_DIR') });
  }
}

/** A retrieval `Reranker` over a `RerankingModel`, plus the model and a way to free it. */
export interface ModelReranker extends Reranker {
  readonly model: RerankingModel;
  /** Frees an in-process model; a no-op for endpoints. */
  dispose(): Promise<void>;
}

/**
 * Adapts a `RerankingModel` to the retrieval hook: candidates go through `rerank` (batched), and
 * come back as `{ id, score }`. Named `<provider>:<model>` in hits' `scores` and in reports.
 *
 * @example
 * const reranker = rerankerFromModel(createHttpRerankingModel({ baseURL: 'http://127.0.0.1:8080' }));
 * await kb.search('试用期最长多久', { k: 5, reranker, rerankTopN: 20 });
 */
export function rerankerFromModel(model: RerankingModel): ModelReranker {
  return {
    name: `${model.provider}:${model.modelId}`,
    model,
    async rerank(query, candidates) {
      const { ranking } = await rerank(model, { query, documents: candidates.map((candidate) => candidate.text) });
      return ranking.map(({ index, score }) => ({ id: candidates[index]!.id, score }));
    },
    async dispose() {
      await (model as Partial<DisposableRerankingModel>).dispose?.();
    },
  };
}

/**
 * What `--rerank` (CLI) or a `rerank` request field (server) asks for, on top of the configured
 * `rerank` settings: undefined or '' keeps the configuration, except that '' and `on` require a
 * provider; `off` turns reranking off; `http` or `transformers` picks that provider.
 */
export type RerankChoice = 'on' | 'off' | 'http' | 'transformers' | '';

/** The `--rerank` values, for usage text and checks. */
export const RERANK_CHOICES: readonly string[] = ['on', 'off', 'http', 'transformers'];

/**
 * The search options reranking adds — `{ reranker, rerankTopN }`, or nothing when reranking is
 * off — from the configuration and a per-request choice (see {@link RerankChoice}), plus
 * `dispose` to call when done. This is the one place the CLI commands (`search`, `ask`, `chat`,
 * `eval retrieval --kb`) and the server turn settings into a reranker.
 *
 * Throws `E_CONFIG` when `on` is asked and no provider is configured, or the provider lacks a setting.
 *
 * @example
 * const reranking = createRerankingSearchOptions(config, 'on');
 * try { await kb.search(query, { k: 5, ...reranking.search }); } finally { await reranking.dispose(); }
 */
export function createRerankingSearchOptions(
  config: Pick<HangjiaConfig, 'rerank'>,
  choice?: RerankChoice,
): { search: { reranker?: ModelReranker; rerankTopN?: number }; reranker: ModelReranker | undefined; dispose: () => Promise<void> } {
  if (choice !== undefined && choice !== '' && !RERANK_CHOICES.includes(choice)) {
    throw new HangjiaError('E_USAGE', `rerank must be one of ${RERANK_CHOICES.join(', ')}; got "${choice}".`, { details: { setting: 'rerank', value: choice } });
  }
  const provider = choice === 'off' ? 'none' : choice === 'http' || choice === 'transformers' ? choice : config.rerank.provider;
  if ((choice === 'on' || choice === '') && provider === 'none') {
    throw new HangjiaError(
      'E_CONFIG',
      'Reranking was asked for, and rerank.provider is "none". Name one: --rerank http (with rerank.baseURL, e.g. HANGJIA_RERANK_BASE_URL=http://127.0.0.1:8080 for Text Embeddings Inference) or --rerank transformers (with rerank.modelDir, a local ONNX cross-encoder).',
      { details: { setting: 'rerank.provider', value: 'none' } },
    );
  }
  const model = createRerankingModelFromConfig({ ...config.rerank, provider });
  if (model === undefined) return { search: {}, reranker: undefined, dispose: async () => {} };
  const reranker = rerankerFromModel(model);
  return { search: { reranker, rerankTopN: config.rerank.topN }, reranker, dispose: () => reranker.dispose() };
}
