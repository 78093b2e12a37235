import { createAnalyzer } from '../analysis/index.js';
import type { AnswerQuestionOptions } from '../answer/index.js';
import type { HangjiaConfig, LoadedConfig } from '../config/index.js';
import { createExamplePool, createExampleSelector, type Example } from '../examples/index.js';
import { withGraphFacts } from '../graph/index.js';
import { openKnowledgeBase } from '../knowledge-base/index.js';
import type { LanguageModel, ProviderRetry } from '../models/index.js';
import { reasoningOptionsFromConfig, type AnsweringStrategy } from '../reasoning/index.js';
import { modelSource } from './model-source.js';
import { createDefaultComponents, createLanguageModelFromConfig, createRerankingSearchOptions, INTERACTIVE_MODEL_TIMEOUTS, type ModelReranker, type RerankChoice } from './default-components.js';

/** Options for {@link openAnswering}; everything else comes from the configuration. */
export interface OpenAnsweringOptions {
  /** The knowledge base answered from, opened read-only. */
  knowledgeBase: string;
  /** Where `reasoning.actions` and other relative paths of the configuration resolve. */
  cwd: string;
  /** Reranking over `rerank.provider` (see {@link RerankChoice}). Default: the configured provider. */
  rerank?: RerankChoice;
  /** Dynamic few-shot: `shots` (default 3) examples of `pool` per question, picked by `selector` (default `mmr`). */
  examples?: { pool: readonly Example[]; selector?: string; shots?: number };
  /** Default `rag`. */
  strategy?: AnsweringStrategy;
  /** Called before each retry of the chat model. */
  onModelRetry?: (retry: ProviderRetry) => void;
  /** Notes a person should see (reranking on, no chat model); the library never prints. */
  onNotice?: (message: string) => void;
}

/** What {@link openAnswering} opened; `close` releases the knowledge base, reranker and model. */
export type Answering = Awaited<ReturnType<typeof openAnswering>>;

/**
 * Everything answering needs, set up once from the configuration: the knowledge base, the source
 * answers search (with the graph's facts under `answer.graph`), the chat model (none when
 * `model.provider` is `none`: answers are extractive), the options for `answerQuestion` and the
 * strategy's settings. `ask`, `chat` and `eval rag --kb` share it, so they answer alike.
 *
 * @example
 * const answering = await openAnswering(loadConfig(), { knowledgeBase: 'law', cwd: process.cwd() });
 * try { console.log((await answerQuestion(answering.answerSource, '试用期最长多久？', answering.options).answer).text); }
 * finally { await answering.close(); }
 */
export async function openAnswering(loaded: LoadedConfig, options: OpenAnsweringOptions) {
  const config = loaded.config;
  const components = createDefaultComponents(config);
  const knowledgeBase = openKnowledgeBase({ home: config.home, storeUrl: config.store.url, name: options.knowledgeBase, readOnly: true }, components);
  const reranking = createRerankingSearchOptions(config, options.rerank);
  if (reranking.reranker) options.onNotice?.(describeReranking(reranking.reranker, config.rerank.topN));
  // What answers search: the knowledge base, or (answer.graph) the knowledge base with its graph's facts after the passages.
  const answerSource = config.answer.graph ? withGraphFacts(knowledgeBase) : knowledgeBase;
  const model =
    config.model.provider === 'none'
      ? undefined
      : createLanguageModelFromConfig(config.model, {
          // A timeout the user set is theirs; the default is the interactive one (see INTERACTIVE_MODEL_TIMEOUTS).
          ...(loaded.provenance['model.timeoutMs'] === 'default' ? INTERACTIVE_MODEL_TIMEOUTS : { maxRetries: INTERACTIVE_MODEL_TIMEOUTS.maxRetries }),
          ...(options.onModelRetry ? { onRetry: options.onModelRetry } : {}),
        });
  if (!model) options.onNotice?.('No chat model configured (model.provider is "none"): answers are extractive — quoted, cited sentences. Configure one with HANGJIA_MODEL_PROVIDER, or run "hangjia model pull".');
  let examples: AnswerQuestionOptions['examples'];
  if (options.examples) {
    const selector = createExampleSelector(await createExamplePool(options.examples.pool, { analyzer: createAnalyzer() }), options.examples.selector ?? 'mmr');
    examples = { selector, k: options.examples.shots ?? 3 };
  }
  const answerOptions = (config: HangjiaConfig): AnswerQuestionOptions => {
    return {
      ...(model ? { model } : {}),
      k: config.search.k,
      evidenceThreshold: config.answer.evidenceThreshold,
      ...(config.answer.historyTokens === undefined ? {} : { historyTokenBudget: config.answer.historyTokens }),
      analyzer: knowledgeBase.analyzer,
      temperature: config.model.temperature,
      maxTokens: config.model.maxTokens,
      // Mode and weights are the knowledge base's own settings (config.search); only reranking is per command.
      search: { ...reranking.search },
      ...(examples ? { examples } : {}),
      ...(config.answer.strict ? { strict: true } : {}),
    };
  };
  const close = async (): Promise<void> => {
    knowledgeBase.close();
    await reranking.dispose();
    await (model as (LanguageModel & { dispose?: () => Promise<void> }) | undefined)?.dispose?.();
  };
  const strategy = options.strategy ?? 'rag';
  const reasoning = { strategy, ...(strategy === 'rag' ? {} : reasoningOptionsFromConfig(config.reasoning, options.cwd)) };
  return { config, knowledgeBase, answerSource, model, options: answerOptions(config), reasoning, close };
}

/**
 * Every setting that changes the answers `eval rag --kb` scores, as `run.json` records them
 * (`runRagEvaluation`'s `answering`): a re-run over the same run directory with any of them changed stops with an
 * error naming the setting, instead of mixing answers made two ways. The model's own settings sit
 * under `model`, so an extractive run (no model) is not tied to a temperature it never used.
 */
export function answeringIdentity(answering: Answering): Record<string, unknown> {
  const { options, model, config, reasoning } = answering;
  // What the knowledge base searches with (config.search, resolved when it opened), as the runs record it.
  const searchSettings = answering.knowledgeBase.searchSettings;
  return {
    // Recorded only for pearl and agent, so that RAG runs made before strategies existed still resume.
    ...(reasoning.strategy === 'rag' ? {} : { strategy: reasoning.strategy, reasoning: { ...config.reasoning } }),
    knowledgeBase: answering.knowledgeBase.name,
    // A sync that changed the documents changes what can be retrieved, so the answers.
    knowledgeBaseGeneration: answering.knowledgeBase.store.generation(),
    model: model
      ? {
          provider: model.provider,
          modelId: model.modelId,
          // Two servers answering to one model name are two models (docs/design.md, "Answers and numbers a team can trust").
          ...(modelSource(config.model) === undefined ? {} : { source: modelSource(config.model) }),
          ...(config.model.provider === 'llama-cpp' && config.model.loraPath ? { loraPath: config.model.loraPath } : {}),
          // Sets the token budget of the passages in the prompt (see answerQuestion), and so the contexts scored.
          contextSize: config.model.contextSize ?? null,
          temperature: options.temperature,
          maxTokens: options.maxTokens,
        }
      : 'extractive',
    k: options.k,
    evidenceThreshold: options.evidenceThreshold,
    // --strict (answer.strict) takes unsupported sentences out of the answers scored.
    ...(options.strict ? { strict: true } : {}),
    // Graph facts are extra sources: answers made with them are not answers made without.
    ...(config.answer.graph ? { graph: true } : {}),
    search: { mode: searchSettings.mode, lexicalWeight: searchSettings.lexicalWeight, vectorWeight: searchSettings.vectorWeight, rrfK: searchSettings.rrfK },
    // Only when on, so runs made before reranking existed still resume.
    ...(options.search?.reranker ? { rerank: { reranker: options.search.reranker.name, topN: options.search.rerankTopN ?? null } } : {}),
    // The lexical engine's settings (search.k1, titleWeight, headingsWeight, groupWeight) rank the passages too.
    lexical: { k1: searchSettings.k1, titleWeight: searchSettings.titleWeight, headingsWeight: searchSettings.headingsWeight, groupWeight: searchSettings.groupWeight, topicWeight: searchSettings.topicWeight, citationWeight: searchSettings.citationWeight },
    // The model whose vectors retrieval fuses in (its key includes any document prefix), or null when search is lexical only.
    embeddingModel: answering.knowledgeBase.hasVectorSearch() ? (answering.knowledgeBase.store.getMeta('embeddingModelId') ?? null) : null,
    ...(answering.knowledgeBase.hasVectorSearch() && config.embedding.queryPrefix ? { embeddingQueryPrefix: config.embedding.queryPrefix } : {}),
    // What an item's contexts are: the passages as the prompt gave them to the model (see
    // answerToRagSample), with refusals left out of faithfulness and the citation metrics. Earlier runs
    // recorded nothing here, scored every retrieved hit and scored refusals as claims, so they do
    // not resume into this one.
    contexts: 'as-prompted',
  };
}

/** The notice that reranking is on, as every command that reranks shows it. */
export function describeReranking(reranker: ModelReranker, topN: number): string {
  return `Reranking the first ${topN} hits with ${reranker.name}.`;
}
