import { createAnalyzer } from '../analysis/index.js';
import { createChunker } from '../chunking/index.js';
import type { HangjiaConfig } from '../config/index.js';
import { HangjiaError } from '../errors/index.js';
import type { KnowledgeBaseComponents, KnowledgeBaseSettings, LexicalSettings } from '../knowledge-base/index.js';
import type { EmbeddingModel, LanguageModel, ProviderRetry } from '../models/index.js';
import {
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
  return (settings) => {
    const embeddingModel = createEmbeddingModelFromConfig(config.embedding);
    return {
      analyzer: createAnalyzer(settings.userDictionary?.length ? { userDictionary: settings.userDictionary } : {}),
      chunker: createChunker(settings.chunking ?? config.chunking),
      ...(embeddingModel ? { embeddingModel } : {}),
      ...(config.embedding.queryPrefix || config.embedding.documentPrefix
        ? { embeddingPrefixes: { query: config.embedding.queryPrefix ?? '', document: config.embedding.documentPrefix ?? '' } }
        : {}),
      lexical: lexicalSettingsFromConfig(config.search),
    };
  };
}

/** The lexical engine settings in `search` (field weights, k1, group, topic and citation evidence), as the index layer takes them. */
export function lexicalSettingsFromConfig(search: HangjiaConfig['search']): LexicalSettings {
  return {
    params: { k1: search.k1, weights: { title: search.titleWeight, headings: search.headingsWeight } },
    groups: { weight: search.groupWeight },
    topics: { weight: search.topicWeight },
    citations: { weight: search.citationWeight },
  };
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
