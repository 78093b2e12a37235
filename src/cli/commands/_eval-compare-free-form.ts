/**
 * `eval compare` on a RAG question set (the `eval rag` format: question and reference answer):
 * each strategy answers the questions itself and is scored with the `eval rag` metrics. Private to
 * `eval-compare.ts`, which hands over here when the file's first line has no `choices`.
 *
 * Adding a strategy (e.g. `pearl`, `agent`): give it a kind in `STRATEGY_KINDS`
 * (eval/compare/recommend-strategy.ts), write a `FreeFormAnswerer` for it (see
 * eval/compare/free-form-answerers.ts), and add one case to `answererFor` below; scoring,
 * intervals, paired tests, cost and the report need no change.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createAnalyzer } from '../../analysis/index.js';
import type { HangjiaConfig } from '../../config/index.js';
import { HangjiaError } from '../../errors/index.js';
import {
  compareAnswerStrategies,
  createDirectAnswerer,
  createKnowledgeBaseAnswerer,
  createLexicalRagEvaluator,
  createReasoningAnswerer,
  createModelRagEvaluator,
  readRagSamples,
  renderAnswerComparisonHtml,
  renderAnswerComparisonMarkdown,
  type AnswerStrategy,
  type FreeFormAnswerer,
  type StrategyKind,
  type TokenPrice,
} from '../../eval/index.js';
import { createExamplePool, createExampleSelector, type ExampleSelector, type ExampleSelectorName } from '../../examples/index.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createDefaultComponents, createEmbeddingModelFromConfig, createLanguageModelFromConfig } from '../../presets/index.js';
import { reasoningOptionsFromConfig } from '../../reasoning/index.js';
import { EXIT } from '../_exit-codes.js';
import { catchInterrupts, reportInterrupted, type Interrupts } from '../_interrupts.js';
import type { CliSession } from '../_session.js';
import type { Terminal } from '../_terminal.js';
import { openReranking } from '../_rerank.js';

/** Whether a question file holds exam items (`choices` on its first line) or free-form questions. */
export function questionFileFormat(file: string): 'exam' | 'free-form' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read the question file ${file}: ${(cause as Error).message}`, { details: { path: file }, cause });
  }
  const first = text.split('\n').find((line) => line.trim() !== '');
  if (first === undefined) return 'exam';
  try {
    const value = JSON.parse(first) as Record<string, unknown>;
    return value['choices'] === undefined && typeof value['question'] === 'string' ? 'free-form' : 'exam';
  } catch {
    return 'exam'; // readExam reports the line with its own error
  }
}

export interface FreeFormComparisonRequest {
  file: string;
  kinds: StrategyKind[];
  endpoints: Array<{ name: string; baseURL: string; model: string }>;
  prices: Map<string, TokenPrice>;
  kb?: string;
  dev?: string;
  shots: number;
  selectorName: ExampleSelectorName;
  k: number;
  evidenceThreshold: number;
  limit?: number;
  concurrency: number;
  maxTokens: number;
  seed: number;
  judge: boolean;
  judgeModel?: string;
  out?: string;
  /** `--rerank` for the RAG strategies (see `createRerankingSearchOptions`). */
  rerank?: string;
  command: string;
}

export async function runFreeFormComparison(request: FreeFormComparisonRequest, session: CliSession, terminal: Terminal, config: HangjiaConfig): Promise<void> {
  const { samples, skipped } = readRagSamples(request.file, { requireAnswers: false });
  if (skipped.length > 0) terminal.warn(`Skipped ${skipped.length} malformed questions in ${request.file} (see "hangjia eval rag" for details).`);
  const questions = request.limit === undefined ? samples : samples.slice(0, request.limit);
  const withoutReference = questions.filter((question) => question.reference === undefined).length;
  if (withoutReference > 0) terminal.warn(`${withoutReference} of ${questions.length} questions have no "reference": they get no correctness scores.`);

  let selector: ExampleSelector | undefined;
  if (request.dev !== undefined && request.kinds.some((kind) => kind.endsWith('few-shot'))) {
    const dev = readRagSamples(path.resolve(session.cwd, request.dev), { requireAnswers: false }).samples.filter((sample) => sample.reference !== undefined);
    const pool = await createExamplePool(
      dev.map((sample) => ({ id: sample.id, input: sample.question, output: sample.reference!, metadata: {} })),
      { analyzer: createAnalyzer() },
    );
    selector = createExampleSelector(pool, request.selectorName, { seed: request.seed });
  }

  const models: LanguageModel[] = [];
  let knowledgeBase: KnowledgeBase | undefined;
  let interrupts: Interrupts | undefined;
  if (request.rerank !== undefined && request.kb === undefined) throw new HangjiaError('E_USAGE', '--rerank needs --kb: it reorders the passages the RAG strategies answer from.', { details: { flag: 'rerank' } });
  const reranking = openReranking(config, request.rerank, terminal);
  try {
    const base = request.kinds.length > 0 ? createLanguageModelFromConfig(config.model) : undefined;
    if (base) models.push(base);
    if (request.kb) knowledgeBase = openKnowledgeBase({ home: config.home, storeUrl: config.store.url, name: request.kb }, createDefaultComponents(config));
    const generation = { temperature: config.model.temperature, maxTokens: request.maxTokens };
    const answererFor = (kind: StrategyKind, model: LanguageModel): { answer: FreeFormAnswerer; grounded: boolean; settings: Record<string, unknown> } => {
      const examples = kind.endsWith('few-shot') && selector ? { selector, k: request.shots } : undefined;
      const shots = examples ? { shots: request.shots, selector: selector!.name } : { shots: 0 };
      switch (kind) {
        case 'zero-shot':
        case 'few-shot':
        case 'endpoint':
          return { answer: createDirectAnswerer({ model, ...(examples ? { examples } : {}), ...generation }), grounded: false, settings: { ...shots, ...generation } };
        case 'rag':
        case 'rag+few-shot':
          return {
            answer: createKnowledgeBaseAnswerer(knowledgeBase!, {
              model, k: request.k, evidenceThreshold: request.evidenceThreshold, analyzer: knowledgeBase!.analyzer, ...(examples ? { examples } : {}), ...generation,
              ...(reranking.reranker ? { search: reranking.search } : {}),
            }),
            grounded: true,
            settings: {
              ...shots, ...generation, knowledgeBase: request.kb, k: request.k, evidenceThreshold: request.evidenceThreshold,
              // Only when on, so runs made without a reranker resume as before.
              ...(reranking.reranker ? { rerank: { reranker: reranking.reranker.name, topN: config.rerank.topN } } : {}),
            },
          };
        case 'pearl':
        case 'agent':
          return {
            answer: createReasoningAnswerer(
              knowledgeBase!,
              {
                strategy: kind, model, k: request.k, evidenceThreshold: request.evidenceThreshold, analyzer: knowledgeBase!.analyzer, ...generation,
                ...(reranking.reranker ? { search: reranking.search } : {}),
                ...reasoningOptionsFromConfig(config.reasoning, session.cwd),
              },
              (question, reason) => terminal.warn(`${kind} fell back to plain RAG (${reason}) for: ${question}`),
            ),
            grounded: true,
            // The limits and the actions file change the answers, so a resumed run must have the same ones.
            settings: {
              ...generation, knowledgeBase: request.kb, k: request.k, evidenceThreshold: request.evidenceThreshold, reasoning: { ...config.reasoning },
              ...(reranking.reranker ? { rerank: { reranker: reranking.reranker.name, topN: config.rerank.topN } } : {}),
            },
          };
      }
    };
    const strategies: AnswerStrategy[] = request.kinds.map((kind) => {
      const price = request.prices.get(kind) ?? request.prices.get('base');
      // The endpoint is part of a run's identity: the same model name at another URL is another model.
      const baseURL = config.model.provider === 'openai-compatible' ? config.model.baseURL : undefined;
      return { name: kind, kind, model: describe(base!), ...(baseURL ? { baseURL } : {}), ...answererFor(kind, base!), ...(price ? { price } : {}) };
    });
    for (const endpoint of request.endpoints) {
      const model = createLanguageModelFromConfig({ ...config.model, provider: 'openai-compatible', baseURL: endpoint.baseURL, model: endpoint.model });
      models.push(model);
      const price = request.prices.get(endpoint.name);
      strategies.push({ name: endpoint.name, kind: 'endpoint', model: describe(model), baseURL: endpoint.baseURL, ...answererFor('endpoint', model), ...(price ? { price } : {}) });
    }

    let judge: LanguageModel | undefined;
    if (request.judge || request.judgeModel !== undefined) {
      if (config.model.provider === 'none') {
        throw new HangjiaError('E_CONFIG', '--judge needs a chat model, and model.provider is "none". Configure one (HANGJIA_MODEL_PROVIDER, HANGJIA_BASE_URL, HANGJIA_MODEL), or drop --judge for the lexical measures.', {
          details: { setting: 'model.provider', value: 'none' },
        });
      }
      judge = createLanguageModelFromConfig(request.judgeModel === undefined ? config.model : { ...config.model, model: request.judgeModel });
      models.push(judge);
    }
    const embeddingModel = judge ? createEmbeddingModelFromConfig(config.embedding) : undefined;
    const evaluator = judge ? createModelRagEvaluator({ model: judge, ...(embeddingModel ? { embeddingModel } : {}) }) : createLexicalRagEvaluator();

    const slug = (text: string): string => text.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '');
    const outDirectory = path.resolve(
      session.cwd,
      request.out ?? path.join('reports', `compare.${slug(path.basename(request.file).replace(/\.jsonl?$/i, ''))}.${slug(path.basename(base?.modelId ?? 'endpoints'))}`),
    );
    terminal.info(
      `Compare (free-form answers): ${questions.length} questions from ${path.relative(session.cwd, request.file) || request.file}; strategies ${strategies.map((strategy) => `${strategy.name} (${strategy.model.modelId})`).join(', ')}; ` +
        `${knowledgeBase ? `knowledge base ${knowledgeBase.name}, k ${request.k}, evidence ≥ ${request.evidenceThreshold}; ` : ''}${selector ? `shots ${request.shots} by ${selector.name}; ` : ''}` +
        `${judge ? `judged by ${judge.modelId}` : 'lexical measures (no judge)'}; report ${outDirectory}`,
    );
    interrupts = catchInterrupts();
    const comparison = await compareAnswerStrategies(questions, {
      strategies,
      outDirectory,
      evaluator,
      ...(judge ? { judge } : {}),
      questionsPath: request.file,
      command: request.command,
      concurrency: request.concurrency,
      seed: request.seed,
      signal: interrupts.signal,
      onProgress: (name, progress) => terminal.progress(name, progress.done, progress.total),
    });
    terminal.endProgress();
    const stopped = comparison.strategies.length < strategies.length || comparison.strategies.some((row) => !row.complete);
    const answered = comparison.strategies.reduce((sum, row) => sum + row.items, 0);
    if (stopped && reportInterrupted(interrupts, session, terminal, `${answered} scored answers are saved under ${path.join(outDirectory, 'runs')}`)) return;
    mkdirSync(outDirectory, { recursive: true });
    writeFileSync(path.join(outDirectory, 'comparison.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    writeFileSync(path.join(outDirectory, 'summary.md'), renderAnswerComparisonMarkdown(comparison));
    writeFileSync(path.join(outDirectory, 'report.html'), renderAnswerComparisonHtml(comparison));
    for (const row of comparison.strategies.filter((row) => row.failure !== null)) {
      session.exitCode = EXIT.failure;
      terminal.warn(`Error: ${row.name} did not finish: ${row.failure!.message} [${row.failure!.code}] on ${row.failure!.id}. What finished is saved; run the same command again to resume.`);
    }
    if (terminal.json) return terminal.outJson({ outDirectory, ...comparison });
    const measure = comparison.measure;
    terminal.out(`strategy        ${measure === 'judgedCorrectness' ? 'judged ' : 'char F1'}  95% CI          ROUGE-L  faithful  refused  p50 ms  cost/1k q`);
    for (const row of comparison.strategies) {
      const primary = row.metrics[measure];
      const ci = primary.confidenceInterval ? `[${primary.confidenceInterval[0].toFixed(3)}, ${primary.confidenceInterval[1].toFixed(3)}]` : '—';
      const faithful = row.grounded ? (row.metrics.faithfulness.mean?.toFixed(3) ?? '—') : 'n/a';
      const refused = row.refusalRate === null ? 'n/a' : `${(row.refusalRate * 100).toFixed(1)}%`;
      terminal.out(
        `${row.name.padEnd(14)}  ${(primary.mean?.toFixed(3) ?? '—').padStart(7)}  ${ci.padEnd(14)}  ${(row.metrics.rougeL.mean?.toFixed(3) ?? '—').padStart(7)}  ${faithful.padStart(8)}  ${refused.padStart(7)}  ${(row.latencyMs.p50?.toFixed(0) ?? '—').padStart(6)}  ${(row.costPer1000Items === null ? 'unknown' : row.costPer1000Items.toFixed(4)).padStart(9)}`,
      );
    }
    terminal.out(comparison.recommendation.statement.replace(/\*\*/g, ''));
    terminal.out(`report      ${path.join(outDirectory, 'report.html')}, ${path.join(outDirectory, 'summary.md')}`);
  } finally {
    interrupts?.dispose();
    knowledgeBase?.close();
    await reranking.dispose();
    for (const model of models) await (model as LanguageModel & { dispose?: () => Promise<void> }).dispose?.();
  }
}

function describe(model: LanguageModel): { provider: string; modelId: string } {
  return { provider: model.provider, modelId: model.modelId };
}
