import path from 'node:path';
import { defineCommand } from 'citty';
import { answerQuestion } from '../../answer/index.js';
import { HangjiaError } from '../../errors/index.js';
import {
  answerToRagSample,
  createLexicalRagEvaluator,
  createModelRagEvaluator,
  readRagSamples,
  runRagEvaluation,
  RAG_METRIC_NAMES,
  type MalformedRagSample,
  type RagEvaluator,
  type RagMetricSummary,
  type RagWork,
} from '../../eval/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createEmbeddingModelFromConfig, createLanguageModelFromConfig } from '../../presets/index.js';
import { answerWithStrategy, evidenceRecall, type StrategyAnswer } from '../../reasoning/index.js';
import { EXIT } from '../_exit-codes.js';
import { catchInterrupts, reportInterrupted, type Interrupts } from '../_interrupts.js';
import { chooseRunDirectory, modelSource } from '../_run-directory.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';
import { fileDigest } from '../../support/index.js';
import type { Terminal } from '../_terminal.js';
import { ANSWER_ARGS, openAnswering } from './ask.js';

export default defineCommand({
  meta: {
    name: 'rag',
    description:
      'Score RAG answers (JSONL: question, answer, contexts[], reference?, citations?): faithfulness, answer relevancy, context precision and recall (RAGAS), citation correctness, and EM / character F1 / ROUGE-L against references; means with bootstrap 95% intervals. Lexical (no model) unless --judge. Re-running the same --run-dir resumes (with the same settings); Ctrl-C stops it with the scores so far saved (exit 130).',
  },
  args: {
    file: { type: 'positional', description: 'Evaluation set (JSONL)', required: true },
    judge: { type: 'boolean', description: 'Judge with the configured chat model (RAGAS prompts); answer relevancy uses the configured embedding model when there is one' },
    'judge-model': { type: 'string', description: 'Judge with this model name at the configured endpoint instead of model.model' },
    kb: {
      type: 'string',
      description:
        'Answer the questions from this knowledge base first (lines need only question and reference); the contexts scored are the passages the prompt gave the model, and refusals are counted apart',
    },
    k: { ...ANSWER_ARGS.k, description: 'With --kb: passages retrieved per question (default 5)' },
    mode: { ...ANSWER_ARGS.mode, description: 'With --kb: retrievers to use (default auto)' },
    strategy: { ...ANSWER_ARGS.strategy, description: 'With --kb: how questions are answered, rag (default) | pearl | agent; steps, tokens and evidence recall (lines with "evidence") are reported for each' },
    rerank: { ...ANSWER_ARGS.rerank, description: `With --kb: ${ANSWER_ARGS.rerank.description}` },
    graph: { ...ANSWER_ARGS.graph, description: 'With --kb: the knowledge graph\'s facts about the entities a question names join its sources (default answer.graph)' },
    threshold: { type: 'string', description: 'Lexical variant: support threshold, weighted term coverage 0–1 (default 0.5)' },
    questions: { type: 'string', description: 'Judged answer relevancy: questions generated per answer (default 3)' },
    concurrency: { type: 'string', description: 'Items in flight at once (default 2)' },
    limit: { type: 'string', description: 'Only the first N items' },
    seed: { type: 'string', description: 'Seed of the bootstrap intervals (default 0)' },
    'run-dir': { type: 'string', description: 'Where scores are saved as they come (default $HANGJIA_HOME/runs/rag.<file>.<lexical|judge model>[.kb-<name>]; a run there with other settings goes to <that>.<digest>). A run here with other settings is an error' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    // Here --threshold is the lexical judge's support threshold; `ask`'s --threshold (the evidence
    // threshold below which it refuses) must not receive it, or a strict judge would turn answers into refusals.
    const { threshold: supportThreshold, ...answeringArgs } = args;
    if (args.rerank !== undefined && !args.kb) throw new HangjiaError('E_USAGE', '--rerank needs --kb: it reorders the passages the answers are made from.', { details: { flag: 'rerank' } });
    const answering = args.kb ? await openAnswering(data, { ...answeringArgs, kb: args.kb }) : undefined;
    const { session, terminal, loaded } = answering ? { ...answering, loaded: { config: answering.config } } : openSession(data, args);
    const config = loaded.config;
    const file = path.resolve(session.cwd, args.file);
    const seed = numberFlag('seed', args.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 0;
    let judge: LanguageModel | undefined;
    let interrupts: Interrupts | undefined;
    try {
      const { samples: all, skipped } = readRagSamples(file, { requireAnswers: answering === undefined });
      reportSkipped(skipped, terminal);
      const limit = numberFlag('limit', args.limit, { min: 1, max: Number.MAX_SAFE_INTEGER });
      const samples = limit === undefined ? all : all.slice(0, limit);

      let evaluator: RagEvaluator;
      if (args.judge || args['judge-model'] !== undefined) {
        if (config.model.provider === 'none') {
          throw new HangjiaError('E_CONFIG', '--judge needs a chat model, and model.provider is "none". Configure one (HANGJIA_MODEL_PROVIDER, HANGJIA_BASE_URL, HANGJIA_MODEL), or drop --judge for the lexical variant.', {
            details: { setting: 'model.provider', value: 'none' },
          });
        }
        judge = createLanguageModelFromConfig(args['judge-model'] === undefined ? config.model : { ...config.model, model: args['judge-model'] });
        const embeddingModel = createEmbeddingModelFromConfig(config.embedding);
        evaluator = createModelRagEvaluator({
          model: judge,
          ...(embeddingModel ? { embeddingModel } : {}),
          questionCount: numberFlag('questions', args.questions, { min: 1, max: 10 }) ?? 3,
        });
      } else {
        evaluator = createLexicalRagEvaluator({ supportThreshold: numberFlag('threshold', supportThreshold, { min: 0, max: 1 }) ?? 0.5 });
      }
      const slug = (text: string): string => text.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '');
      const chosen = chooseRunDirectory(config, session.cwd, args['run-dir'], `rag.${slug(path.basename(file).replace(/\.jsonl?$/i, ''))}.${judge ? slug(path.basename(judge.modelId)) : 'lexical'}${args.kb ? `.kb-${slug(args.kb)}` : ''}`);
      const variant =
        evaluator.variant === 'lexical'
          ? 'lexical (no model: claims are sentences, support is weighted analyzer-term coverage — an approximation, not RAGAS)'
          : `model-judged by ${judge!.provider} "${judge!.modelId}" (RAGAS)${config.embedding.provider === 'none' ? '; answer relevancy by lexical cosine (no embedding model)' : ''}`;
      terminal.info(`RAG evaluation: ${samples.length} items from ${path.relative(session.cwd, file) || file}; ${variant}${args.kb ? `; answers from knowledge base "${args.kb}"` : ''}`);

      // Ctrl-C (or SIGTERM) stops the run the way a failing endpoint does: nothing new starts, the
      // items in flight are dropped unscored, and scores.jsonl keeps every item that finished.
      interrupts = catchInterrupts();
      const result = await runRagEvaluation(samples, {
        evaluator,
        runDirectory: chosen.directory,
        onIdentityMismatch: chosen.onIdentityMismatch,
        ...(judge && modelSource(config.model) !== undefined ? { judgeEndpoint: modelSource(config.model)! } : {}),
        inputDigest: fileDigest(file),
        seed,
        concurrency: numberFlag('concurrency', args.concurrency, { min: 1, max: 64 }) ?? 2,
        ...(answering
          ? {
              generate: async (input, signal) => {
                // RAG answers from the graph-augmented source when answer.graph is on; PEARL and the agent search the knowledge base itself.
                const result: StrategyAnswer =
                  answering.reasoning.strategy === 'rag'
                    ? { strategy: 'rag', answer: await answerQuestion(answering.answerSource, input.question, { ...answering.options, ...(signal ? { signal } : {}) }).answer }
                    : await answerWithStrategy(answering.knowledgeBase, input.question, { ...answering.options, ...answering.reasoning, ...(signal ? { signal } : {}) });
                const { answer } = result;
                if (answer.incomplete) {
                  // A stream cut by an error is not the system's answer: fail the item (a re-run asks
                  // again) rather than saving the scores of half an answer for good.
                  throw answer.error ?? new HangjiaError('E_ABORTED', `The answer to ${input.id} was cut off (${answer.finishReason ?? 'abort'}).`, { isRetryable: true, details: { id: input.id } });
                }
                return { ...answerToRagSample(answer), work: strategyWork(result, input.evidence) };
              },
              answering: answeringSettings(answering, args.kb!),
            }
          : {}),
        signal: interrupts.signal,
        onProgress: ({ done, total }) => terminal.progress('rag', done, total),
      });
      terminal.endProgress();
      const { runDirectory } = result;
      if (result.runDirectoryNote !== undefined) terminal.info(`Run directory: ${result.runDirectoryNote}`);
      if (result.resumedItems > 0) terminal.info(`Resumed: ${result.resumedItems} items were already scored in ${runDirectory}.`);
      const saved = `${result.records.length} scored items are saved in ${runDirectory}`;
      if (result.failure !== undefined && !reportInterrupted(interrupts, session, terminal, saved)) {
        session.exitCode = EXIT.failure;
        terminal.warn(`Error: scoring ${result.failure.id} failed: ${result.failure.message} [${result.failure.code}]. ${saved}; run the same command again to resume.`);
      }
      if (terminal.json) {
        return terminal.outJson({
          file,
          variant: evaluator.variant,
          runDirectory,
          runDirectoryNote: result.runDirectoryNote ?? null,
          config: result.config,
          complete: result.complete,
          failure: result.failure ?? null,
          skipped: skipped.map(({ line, id, reason }) => ({ line, id: id ?? null, reason })),
          resumedItems: result.resumedItems,
          evaluatedItems: result.evaluatedItems,
          summary: result.summary,
          items: result.records.map((record) => ({ id: record.id, scores: record.scores, refusal: record.sample.refusal ?? null, passages: record.sample.passages ?? null, ...(record.sample.work ? { work: record.sample.work } : {}) })),
        });
      }
      const { summary } = result;
      terminal.out(`metric                 items  mean    ${Math.round(summary.confidenceLevel * 100)}% CI`);
      for (const name of RAG_METRIC_NAMES) terminal.out(formatRow(name, summary.metrics[name]));
      const { refusals, budgetLimited } = summary;
      if (answering || refusals.items > 0) {
        terminal.out(
          `refused     ${refusals.items} of ${summary.evaluated} items${refusals.rate === null ? '' : ` (${percent(refusals.rate)})`}` +
            (refusals.items === 0
              ? ''
              : `: evidence threshold ${refusals.byReason['evidence-threshold']}, model ${refusals.byReason.model}; no claims, so left out of faithfulness and the citation metrics; answer relevancy 0 (noncommittal); EM / F1 / ROUGE-L score the refusal text`),
        );
      }
      if (budgetLimited.items > 0) {
        terminal.out(`budget      ${budgetLimited.items} of ${summary.evaluated} items had retrieved passages dropped or cut by the prompt's token budget; their contexts are the passages as the model saw them`);
      }
      if (summary.work) {
        terminal.out(formatRow('evidenceRecall', summary.work.evidenceRecall));
        terminal.out(formatRow('steps', summary.work.steps).replace(/(\d+\.\d{4})/gu, (value) => Number(value).toFixed(2)));
        terminal.out(formatRow('tokens', summary.work.tokens).replace(/(\d+\.\d{4})/gu, (value) => Number(value).toFixed(0)));
      }
      terminal.out(`variant     ${evaluator.variant}${evaluator.variant === 'lexical' ? ' (term coverage, no model; not comparable with judged scores)' : ''}`);
      if (summary.pending > 0) terminal.out(`pending     ${summary.pending} items not yet scored (re-run to resume)`);
      terminal.out(`intervals   percentile bootstrap, ${summary.resamples} resamples, seed ${summary.seed}`);
      terminal.out(`run         ${runDirectory}`);
    } finally {
      interrupts?.dispose();
      await (judge as (LanguageModel & { dispose?: () => Promise<void> }) | undefined)?.dispose?.();
      await answering?.close();
    }
  },
});

/**
 * Every setting that changes the answers `eval rag --kb` scores, as `run.json` records them
 * (`answering`): a re-run over the same run directory with any of them changed stops with an
 * error naming the setting, instead of mixing answers made two ways. The model's own settings sit
 * under `model`, so an extractive run (no model) is not tied to a temperature it never used.
 */
function answeringSettings(answering: Awaited<ReturnType<typeof openAnswering>>, knowledgeBase: string): Record<string, unknown> {
  const { options, model, config, reasoning } = answering;
  // What the knowledge base searches with (config.search, resolved when it opened), as the runs record it.
  const searchSettings = answering.knowledgeBase.searchSettings;
  return {
    // Recorded only for pearl and agent, so that RAG runs made before strategies existed still resume.
    ...(reasoning.strategy === 'rag' ? {} : { strategy: reasoning.strategy, reasoning: { ...config.reasoning } }),
    knowledgeBase,
    // A sync that changed the documents changes what can be retrieved, so the answers.
    knowledgeBaseGeneration: answering.knowledgeBase.store.generation(),
    model: model
      ? {
          provider: model.provider,
          modelId: model.modelId,
          // Two servers answering to one model name are two models (issue 11).
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

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function formatRow(name: string, metric: RagMetricSummary): string {
  const interval = metric.confidenceInterval === null ? '—' : `[${metric.confidenceInterval[0].toFixed(4)}, ${metric.confidenceInterval[1].toFixed(4)}]`;
  return `${name.padEnd(21)}  ${String(metric.items).padStart(5)}  ${metric.mean === null ? '—'.padEnd(6) : metric.mean.toFixed(4)}  ${interval}`;
}

function reportSkipped(skipped: readonly MalformedRagSample[], terminal: Terminal): void {
  if (skipped.length === 0) return;
  for (const entry of skipped.slice(0, 10)) terminal.warn(`Skipped ${entry.message}`);
  const byReason = new Map<string, number>();
  for (const entry of skipped) byReason.set(entry.reason, (byReason.get(entry.reason) ?? 0) + 1);
  terminal.warn(`Skipped ${skipped.length} malformed items (${[...byReason].map(([reason, count]) => `${reason} ${count}`).join(', ')}).`);
}

/**
 * Steps, tokens and evidence recall of one answer: RAG takes one step and reads the passages its
 * prompt held (or, refusing on the evidence threshold, the hits it judged); PEARL and agent runs
 * report their trace's steps and read every passage their steps and tools showed (`answer.hits`).
 */
function strategyWork(result: StrategyAnswer, gold: readonly string[] | undefined): RagWork {
  const { answer } = result;
  const read = result.trace && !result.fallback ? answer.hits : answer.refusal === 'evidence-threshold' ? answer.hits : answer.sources.map((source) => answer.hits[source.rank - 1]!).filter(Boolean);
  return {
    strategy: result.fallback ? `${result.strategy} (fallback: rag)` : result.strategy,
    steps: result.trace && !result.fallback ? result.trace.totals.steps : 1,
    tokens: (answer.usage.inputTokens ?? 0) + (answer.usage.outputTokens ?? 0) + (result.fallback && result.trace ? result.trace.totals.inputTokens + result.trace.totals.outputTokens : 0),
    evidenceRecall: evidenceRecall(gold ?? [], read),
  };
}
