import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { createAnalyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import {
  checkGeneralAbility,
  compareStrategies,
  examItemsToExamples,
  parseTokenPrice,
  readExam,
  renderComparisonHtml,
  renderComparisonMarkdown,
  STRATEGY_KINDS,
  type ComparisonStrategy,
  type ExamItem,
  type ExamPromptTemplateName,
  type GeneralAbilityChange,
  type StrategyKind,
  type TokenPrice,
} from '../../eval/index.js';
import { createExamplePool, createExampleSelector, EXAMPLE_SELECTOR_NAMES, type ExampleSelectorName } from '../../examples/index.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createDefaultComponents, createLanguageModelFromConfig } from '../../presets/index.js';
import { EXIT } from '../_exit-codes.js';
import { catchInterrupts, reportInterrupted, type Interrupts } from '../_interrupts.js';
import { modelSource } from '../_run-directory.js';
import { COMMON_ARGS, listFlag, numberFlag, openSession } from '../_session.js';
import { questionFileFormat, runFreeFormComparison } from './_eval-compare-free-form.js';
import { RERANK_ARGS } from '../_rerank.js';

const PROMPT_KINDS: readonly StrategyKind[] = STRATEGY_KINDS.filter((kind) => kind !== 'endpoint');

export default defineCommand({
  meta: {
    name: 'compare',
    description:
      'Run one exam under several approaches (zero-shot, dynamic few-shot, RAG, RAG + few-shot, other endpoints such as a fine-tuned model) and report accuracy with 95% intervals, latency, tokens, cost per 1,000 questions and retrieval share side by side, with the approach the numbers support (report.html, summary.md). Given a RAG question set (question, reference) instead, each approach writes free-form answers, scored by character F1, ROUGE-L (model-judged correctness with --judge), faithfulness, citation precision, refusal rate, latency, tokens and cost, with paired tests against the recommended approach. Re-running resumes; Ctrl-C stops it with the answers so far saved (exit 130) and writes the report once every run has finished.',
  },
  args: {
    file: { type: 'positional', description: 'Exam file (JSONL: id, subject, question, choices, answer), or a RAG question set (JSONL: question, reference; the eval rag format) to compare free-form answers', required: true },
    kb: { type: 'string', description: 'Knowledge base for the RAG strategies' },
    rerank: { ...RERANK_ARGS.rerank, description: `Free-form answers, RAG strategies: ${RERANK_ARGS.rerank.description}` },
    strategies: { type: 'string', description: `Comma-separated, from ${PROMPT_KINDS.join(', ')} (default: zero-shot, few-shot, rag, rag+few-shot with --dev, else zero-shot and rag; rag, pearl and agent need --kb; pearl and agent take a RAG question set)` },
    endpoint: { type: 'string', description: 'Another model to compare, asked zero-shot: name=baseURL,model (repeatable), e.g. ft=http://127.0.0.1:8000/v1,qwen-law-lora' },
    dev: { type: 'string', description: 'Solved items the few-shot strategies draw shots from (JSONL)' },
    shots: { type: 'string', description: 'Shots for the few-shot strategies (default 5)' },
    selector: { type: 'enum', options: [...EXAMPLE_SELECTOR_NAMES], description: 'Dynamic shot selection over --dev (default bm25)' },
    price: { type: 'string', description: 'Prices per million tokens, input/output, per model: base=0.5/1.5 (the configured model), <endpoint>=2/6 (repeatable or comma-separated); missing prices are reported as unknown' },
    k: { type: 'string', description: 'Chunks retrieved per question for RAG (default 3)' },
    'evidence-threshold': { type: 'string', description: 'Evidence score the retrieval must reach to be put in the prompt, 0–1 (default 0.35)' },
    general: { type: 'string', description: 'A general-ability exam (e.g. a CMMLU subset) run zero-shot on the configured (base) model and every --endpoint: the forgetting check' },
    out: { type: 'string', description: 'Report folder (default reports/compare.<exam>.<model>); run directories go under <out>/runs and <out>/general' },
    limit: { type: 'string', description: 'Only the first N items (of each exam)' },
    concurrency: { type: 'string', description: 'Questions in flight at once per run (default 4)' },
    template: { type: 'enum', options: ['auto', 'zh', 'en'], description: 'Prompt language (default auto)' },
    'max-tokens': { type: 'string', description: 'Most tokens per reply (default 128)' },
    seed: { type: 'string', description: 'Seed of the bootstrap intervals and the random selector (default 0)' },
    judge: { type: 'boolean', description: 'Free-form answers: judge correctness against the references, faithfulness and citations with the configured chat model (default: character F1, ROUGE-L and lexical support)' },
    'judge-model': { type: 'string', description: 'Free-form answers: judge with this model name at the configured endpoint instead of model.model' },
    ...COMMON_ARGS,
  },
  async run({ args, data, rawArgs }) {
    const { session, terminal, loaded } = openSession(data, args);
    const config = loaded.config;
    const examPath = path.resolve(session.cwd, args.file);
    const seed = numberFlag('seed', args.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 0;
    const limit = numberFlag('limit', args.limit, { min: 1, max: Number.MAX_SAFE_INTEGER });
    const shots = numberFlag('shots', args.shots, { min: 1, max: 50 }) ?? 5;
    const k = numberFlag('k', args.k, { min: 1, max: 20 }) ?? 3;
    const evidenceThreshold = numberFlag('evidence-threshold', args['evidence-threshold'], { min: 0, max: 1 }) ?? 0.35;
    const concurrency = numberFlag('concurrency', args.concurrency, { min: 1, max: 256 }) ?? 4;
    const maxTokens = numberFlag('max-tokens', args['max-tokens'], { min: 1, max: 32768 }) ?? 128;
    const template = (args.template ?? 'auto') as ExamPromptTemplateName;

    // pearl and agent run only when named: they cost several model calls per question.
    const kinds = (args.strategies ? listFlag(args.strategies) : args.dev ? PROMPT_KINDS.filter((kind) => kind !== 'pearl' && kind !== 'agent') : ['zero-shot', 'rag']) as StrategyKind[];
    for (const kind of kinds) {
      if (!PROMPT_KINDS.includes(kind)) throw usage(`--strategies names "${kind}"; choose from ${PROMPT_KINDS.join(', ')} (other models go in --endpoint).`);
    }
    if (kinds.some((kind) => kind.startsWith('rag')) && !args.kb) throw usage('The rag strategies need a knowledge base: give --kb <name>, or leave rag out of --strategies.');
    if (kinds.some((kind) => kind === 'pearl' || kind === 'agent') && !args.kb) throw usage('The pearl and agent strategies need a knowledge base: give --kb <name>, or leave them out of --strategies.');
    if (kinds.some((kind) => kind.endsWith('few-shot')) && !args.dev) throw usage('The few-shot strategies need solved examples: give --dev <file> (e.g. the exam\'s dev split), or leave them out of --strategies.');
    const endpoints = repeatedFlag(rawArgs, 'endpoint').map(parseEndpoint);
    const prices = parsePrices(repeatedFlag(rawArgs, 'price'));
    for (const name of prices.keys()) {
      if (name !== 'base' && !endpoints.some((endpoint) => endpoint.name === name) && !kinds.includes(name as StrategyKind)) {
        throw usage(`--price names "${name}", which is neither base, a strategy nor an --endpoint name (${['base', ...kinds, ...endpoints.map((endpoint) => endpoint.name)].join(', ')}).`);
      }
    }
    if (args.general && endpoints.length === 0) throw usage('--general compares the base model with a tuned one: also give --endpoint name=baseURL,model for the tuned model.');
    if (config.model.provider === 'none' && kinds.length > 0) {
      throw new HangjiaError('E_CONFIG', 'A comparison needs the base chat model, and model.provider is "none". Configure one, e.g. HANGJIA_MODEL_PROVIDER=openai-compatible HANGJIA_BASE_URL=http://127.0.0.1:11434/v1 HANGJIA_MODEL=qwen2.5:7b-instruct', {
        details: { setting: 'model.provider', value: 'none' },
      });
    }

    if (questionFileFormat(examPath) === 'free-form') {
      if (args.general) throw usage('--general (the forgetting check) takes an exam; the question file is a RAG question set (free-form answers).');
      const command = ['hangjia', 'eval', 'compare', ...rawArgs].map(shellQuote).join(' ');
      return runFreeFormComparison(
        {
          file: examPath, kinds, endpoints, prices, shots, selectorName: (args.selector ?? 'bm25') as ExampleSelectorName, k, evidenceThreshold, concurrency, seed, command,
          // A free-form answer needs more room than a choice letter: model.maxTokens unless --max-tokens says otherwise.
          maxTokens: args['max-tokens'] === undefined ? config.model.maxTokens : maxTokens,
          judge: args.judge === true,
          ...(args['judge-model'] === undefined ? {} : { judgeModel: args['judge-model'] }),
          ...(args.kb ? { kb: args.kb } : {}),
          ...(args.dev ? { dev: args.dev } : {}),
          ...(limit === undefined ? {} : { limit }),
          ...(args.out ? { out: args.out } : {}),
          ...(args.rerank === undefined ? {} : { rerank: args.rerank }),
        },
        session,
        terminal,
        config,
      );
    }
    if (kinds.includes('pearl') || kinds.includes('agent')) throw usage('pearl and agent answer in free form: give a RAG question set (question, reference), e.g. the one bench/build-long-document-set.ts builds, not an exam.');
    if (args.rerank !== undefined) throw usage('--rerank applies to free-form comparisons (a RAG question set) for now; an exam\'s retrieval is not reranked.');
    if (args.judge || args['judge-model'] !== undefined) throw usage('--judge grades free-form answers against references; an exam is scored by its answer key. Give a RAG question set (question, reference) to judge.');
    const readItems = (file: string): ExamItem[] => {
      const exam = readExam(file);
      if (exam.skipped.length > 0) terminal.warn(`Skipped ${exam.skipped.length} malformed items in ${file} (see "hangjia eval exam" for details).`);
      return limit === undefined ? exam.items : exam.items.slice(0, limit);
    };
    const items = readItems(examPath);
    const devPool = args.dev ? readExam(path.resolve(session.cwd, args.dev)).items : undefined;
    const selectorName = (args.selector ?? 'bm25') as ExampleSelectorName;
    const selector = devPool && kinds.some((kind) => kind.endsWith('few-shot')) ? createExampleSelector(await createExamplePool(examItemsToExamples(devPool, template), { analyzer: createAnalyzer() }), selectorName, { seed }) : undefined;

    const models: LanguageModel[] = [];
    let knowledgeBase: KnowledgeBase | undefined;
    let interrupts: Interrupts | undefined;
    try {
      const base = kinds.length > 0 || args.general ? createLanguageModelFromConfig(config.model) : undefined;
      if (base) models.push(base);
      const strategies: ComparisonStrategy[] = kinds.map((kind) => {
        const price = prices.get(kind) ?? prices.get('base');
        const source = modelSource(config.model);
        return { name: kind, kind, model: base!, ...(source === undefined ? {} : { baseURL: source }), ...(kind.endsWith('few-shot') ? { shots, ...(selector ? { selector } : {}) } : {}), ...(price ? { price } : {}) };
      });
      const endpointModels = endpoints.map((endpoint) => {
        const model = createLanguageModelFromConfig({ ...config.model, provider: 'openai-compatible', baseURL: endpoint.baseURL, model: endpoint.model });
        models.push(model);
        return { ...endpoint, model };
      });
      for (const endpoint of endpointModels) {
        const price = prices.get(endpoint.name);
        strategies.push({ name: endpoint.name, kind: 'endpoint', model: endpoint.model, baseURL: endpoint.baseURL, ...(price ? { price } : {}) });
      }
      if (args.kb) knowledgeBase = openKnowledgeBase({ home: config.home, storeUrl: config.store.url, name: args.kb }, createDefaultComponents(config));
      const slug = (text: string): string => text.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '');
      const outDirectory = path.resolve(session.cwd, args.out ?? path.join('reports', `compare.${slug(path.basename(examPath).replace(/\.jsonl?$/i, ''))}.${slug(path.basename(base?.modelId ?? 'endpoints'))}`));
      const command = ['hangjia', 'eval', 'compare', ...rawArgs].map(shellQuote).join(' ');
      terminal.info(
        `Compare: ${items.length} items from ${path.relative(session.cwd, examPath) || examPath}; strategies ${strategies.map((strategy) => `${strategy.name} (${strategy.model.modelId})`).join(', ')}; ` +
          `${knowledgeBase ? `knowledge base ${knowledgeBase.name}, k ${k}, evidence ≥ ${evidenceThreshold}; ` : ''}${selector ? `shots ${shots} by ${selector.name}; ` : ''}report ${outDirectory}`,
      );
      // Ctrl-C (or SIGTERM) stops the comparison the way a failing endpoint stops one run: the
      // questions in flight are dropped, no later strategy starts, and each run directory keeps
      // every answer that finished. No report is written: it would judge runs that have not finished.
      interrupts = catchInterrupts();
      const common = { concurrency, template, maxTokens, seed, command, signal: interrupts.signal };
      const comparison = await compareStrategies(items, {
        strategies,
        outDirectory,
        ...(knowledgeBase ? { knowledgeBase } : {}),
        retrieval: { k, evidenceThreshold },
        ...(devPool ? { devPool } : {}),
        examPath,
        ...common,
        onProgress: (name, progress) => terminal.progress(name, progress.done, progress.total, `accuracy so far ${(progress.correct / Math.max(1, progress.done)).toFixed(3)}`),
      });
      terminal.endProgress();
      const stopped = comparison.strategies.length < strategies.length || comparison.strategies.some((row) => !row.complete);
      const answered = comparison.strategies.reduce((sum, row) => sum + row.items, 0);
      const perStrategy = comparison.strategies.map((row) => `${row.name} ${row.items} of ${items.length}`).join(', ');
      if (stopped && reportInterrupted(interrupts, session, terminal, `${answered} answered questions are saved under ${path.join(outDirectory, 'runs')} (${perStrategy})`)) return;
      let general: GeneralAbilityChange[] = [];
      if (args.general) {
        const generalPath = path.resolve(session.cwd, args.general);
        general = await checkGeneralAbility(readItems(generalPath), {
          base: { name: 'base', model: base! },
          tuned: endpointModels.map((endpoint) => ({ name: endpoint.name, model: endpoint.model, baseURL: endpoint.baseURL })),
          outDirectory,
          examPath: generalPath,
          ...common,
          onProgress: (name, progress) => terminal.progress(`general ${name}`, progress.done, progress.total),
        });
        terminal.endProgress();
        if (general.some((change) => !change.complete) && reportInterrupted(interrupts, session, terminal, `the comparison's answers are saved under ${path.join(outDirectory, 'runs')}, and the general-ability answers so far under ${path.join(outDirectory, 'general')}`)) return;
      }
      mkdirSync(outDirectory, { recursive: true });
      writeFileSync(path.join(outDirectory, 'comparison.json'), `${JSON.stringify({ ...comparison, general }, null, 2)}\n`);
      writeFileSync(path.join(outDirectory, 'summary.md'), renderComparisonMarkdown(comparison, general));
      writeFileSync(path.join(outDirectory, 'report.html'), renderComparisonHtml(comparison, general));
      const failed = [...comparison.strategies.filter((row) => row.failure !== null).map((row) => ({ name: row.name, failure: row.failure! })), ...general.filter((change) => !change.complete).map((change) => ({ name: `general ${change.tuned}`, failure: null }))];
      for (const { name, failure } of failed) {
        session.exitCode = EXIT.failure;
        terminal.warn(`Error: ${name} did not finish${failure ? `: ${failure.message} [${failure.code}] on ${failure.id}` : ''}. What finished is saved; run the same command again to resume.`);
      }
      if (terminal.json) return terminal.outJson({ outDirectory, ...comparison, general });
      terminal.out('strategy        accuracy  95% CI          p50 ms  p95 ms  cost/1k q  retrieval');
      for (const row of comparison.strategies) {
        const interval = row.confidenceInterval ? `[${row.confidenceInterval[0].toFixed(3)}, ${row.confidenceInterval[1].toFixed(3)}]` : '—';
        terminal.out(
          `${row.name.padEnd(14)}  ${(row.accuracy?.toFixed(3) ?? '—').padStart(8)}  ${interval.padEnd(14)}  ${(row.latencyMs.p50?.toFixed(0) ?? '—').padStart(6)}  ${(row.latencyMs.p95?.toFixed(0) ?? '—').padStart(6)}  ${(row.costPer1000Items === null ? 'unknown' : row.costPer1000Items.toFixed(4)).padStart(9)}  ${row.retrievalShare === null ? '—' : `${(row.retrievalShare * 100).toFixed(1)}%`}`,
        );
      }
      for (const change of general) {
        const interval = change.change.confidenceInterval ? `[${change.change.confidenceInterval[0].toFixed(3)}, ${change.change.confidenceInterval[1].toFixed(3)}]` : '—';
        terminal.out(`general ${change.base} → ${change.tuned}: ${change.baseAccuracy?.toFixed(3) ?? '—'} → ${change.tunedAccuracy?.toFixed(3) ?? '—'}, change ${change.change.difference >= 0 ? '+' : ''}${change.change.difference.toFixed(3)} ${interval} (${change.verdict}, McNemar p ${change.mcnemarPValue.toFixed(4)})`);
      }
      terminal.out(comparison.recommendation.statement.replace(/\*\*/g, ''));
      terminal.out(`report      ${path.join(outDirectory, 'report.html')}, ${path.join(outDirectory, 'summary.md')}`);
    } finally {
      interrupts?.dispose();
      knowledgeBase?.close();
      for (const model of models) await (model as LanguageModel & { dispose?: () => Promise<void> }).dispose?.();
    }
  },
});

/** citty keeps only the last value of a repeated flag, so repeatable flags are read from the raw arguments. */
function repeatedFlag(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < rawArgs.length; index += 1) {
    const argument = rawArgs[index]!;
    if (argument === `--${name}` && index + 1 < rawArgs.length) values.push(rawArgs[++index]!);
    else if (argument.startsWith(`--${name}=`)) values.push(argument.slice(name.length + 3));
  }
  return values;
}

function parseEndpoint(value: string): { name: string; baseURL: string; model: string } {
  const match = /^([^=\s]+)=(https?:\/\/[^,\s]+),(.+)$/.exec(value.trim());
  if (match === null) throw usage(`--endpoint must be name=baseURL,model (e.g. ft=http://127.0.0.1:8000/v1,qwen-law-lora); got "${value}".`);
  return { name: match[1]!, baseURL: match[2]!, model: match[3]!.trim() };
}

function parsePrices(values: readonly string[]): Map<string, TokenPrice> {
  const prices = new Map<string, TokenPrice>();
  for (const entry of values.flatMap((value) => listFlag(value))) {
    const [name, text] = entry.includes('=') ? [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] : ['base', entry];
    const price = parseTokenPrice(text!);
    if (price === undefined) throw usage(`--price must be name=input/output per million tokens (e.g. base=0.5/1.5); got "${entry}".`);
    prices.set(name!, price);
  }
  return prices;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/u.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function usage(message: string): Error {
  return Object.assign(new Error(message), { name: 'CLIError', code: 'E_USAGE' });
}
