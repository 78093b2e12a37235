import path from 'node:path';
import { defineCommand, type ArgsDef } from 'citty';
import { createAnalyzer } from '../../analysis/index.js';
import { answerQuestion, type Answer, type AnswerQuestionOptions, type AnswerStream } from '../../answer/index.js';
import type { HangjiaConfig } from '../../config/index.js';
import { HangjiaError } from '../../errors/index.js';
import { createExamplePool, createExampleSelector, EXAMPLE_SELECTOR_NAMES, readExamplePool, type Example } from '../../examples/index.js';
import { withGraphFacts } from '../../graph/index.js';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import type { LanguageModel, ProviderRetry } from '../../models/index.js';
import { createDefaultComponents, createLanguageModelFromConfig, INTERACTIVE_MODEL_TIMEOUTS } from '../../presets/index.js';
import { ANSWER_STRATEGIES, answerWithStrategy, reasoningOptionsFromConfig, type AnsweringStrategy } from '../../reasoning/index.js';
import { finishedAnswerStream, printStrategyDetails, strategyToJson } from '../_strategy-output.js';
import { EXIT } from '../_exit-codes.js';
import { hitToJson, snippet, sourceLocation } from '../_format.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';
import type { Terminal } from '../_terminal.js';
import { openReranking, RERANK_ARGS } from '../_rerank.js';

/** Flags shared by `ask` and `chat`. */
export const ANSWER_ARGS = {
  kb: { type: 'positional', description: 'Knowledge base name', required: true },
  k: { type: 'string', alias: 'k', description: 'Passages retrieved (default 5)' },
  threshold: { type: 'string', description: 'Evidence threshold 0–1: refuse below it without calling the model (default answer.evidenceThreshold, 0.35)' },
  examples: { type: 'string', description: 'A JSONL pool of solved examples for dynamic few-shot ({"id","input","output"} per line)' },
  'input-field': { type: 'string', description: 'Field of the --examples pool holding the input (default input)' },
  'output-field': { type: 'string', description: 'Field of the --examples pool holding the output (default output)' },
  shots: { type: 'string', description: 'Examples put into the prompt (default 3; needs --examples)' },
  selector: { type: 'enum', options: [...EXAMPLE_SELECTOR_NAMES], description: 'How examples are picked (default mmr)' },
  mode: { type: 'enum', options: ['auto', 'lexical', 'vector', 'hybrid'], description: 'Retrievers to use (default auto)' },
  strategy: { type: 'enum', options: [...ANSWER_STRATEGIES], description: 'rag (default): retrieve once and answer; pearl: plan, execute, answer; agent: tool-calling loop' },
  trace: { type: 'boolean', description: 'pearl/agent: show the plan, steps and tool calls (in --json: the trace)' },
  strict: { type: 'boolean', description: 'Remove the sentences the citation check finds unsupported (listed as strictRemoved in --json; default answer.strict, false)' },
  ...RERANK_ARGS,
  graph: { type: 'boolean', description: 'Put the knowledge graph\'s facts about the entities the question names among the sources (after the retrieved passages), cited to their evidence chunks (default answer.graph; see "hangjia graph build")' },
  ...COMMON_ARGS,
} satisfies ArgsDef;

/** Everything `ask` and `chat` set up once: config, knowledge base, model, examples. */
export async function openAnswering(
  data: unknown,
  args: { kb: string; k?: string; threshold?: string; examples?: string; 'input-field'?: string; 'output-field'?: string; shots?: string; selector?: string; mode?: string; rerank?: string; strict?: boolean; graph?: boolean; strategy?: string } & Parameters<typeof openSession>[1],
) {
  const { session, terminal, loaded } = openSession(data, args, {
    'search.k': numberFlag('k', args.k, { min: 1, max: 100 }),
    'search.mode': args.mode,
    'answer.evidenceThreshold': numberFlag('threshold', args.threshold, { min: 0, max: 1 }),
    'answer.strict': args.strict,
    'answer.graph': args.graph,
  });
  // The pool is read first: a pool with no usable line is a usage error, whatever the model.
  const pool = args.examples ? readUsablePool(path.resolve(session.cwd, args.examples), args, terminal) : undefined;
  const config = loaded.config;
  const components = createDefaultComponents(config);
  const knowledgeBase = openKnowledgeBase({ home: config.home, name: args.kb, readOnly: true }, components);
  const reranking = openReranking(config, args.rerank, terminal);
  // What answers search: the knowledge base, or (answer.graph) the knowledge base with its graph's facts after the passages.
  const answerSource = config.answer.graph ? withGraphFacts(knowledgeBase) : knowledgeBase;
  const model =
    config.model.provider === 'none'
      ? undefined
      : createLanguageModelFromConfig(config.model, {
          // A timeout the user set is theirs; the default is the interactive one (see INTERACTIVE_MODEL_TIMEOUTS).
          ...(loaded.provenance['model.timeoutMs'] === 'default' ? INTERACTIVE_MODEL_TIMEOUTS : { maxRetries: INTERACTIVE_MODEL_TIMEOUTS.maxRetries }),
          onRetry: (retry) => terminal.warn(describeRetry(retry)),
        });
  if (!model) terminal.info('No chat model configured (model.provider is "none"): answers are extractive — quoted, cited sentences. Configure one with HANGJIA_MODEL_PROVIDER, or run "hangjia model pull".');
  let examples: AnswerQuestionOptions['examples'];
  if (pool) {
    const selector = createExampleSelector(await createExamplePool(pool, { analyzer: createAnalyzer() }), args.selector ?? 'mmr');
    examples = { selector, k: numberFlag('shots', args.shots, { min: 1, max: 50 }) ?? 3 };
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
  const strategy = (args.strategy ?? 'rag') as AnsweringStrategy;
  const reasoning = { strategy, ...(strategy === 'rag' ? {} : reasoningOptionsFromConfig(config.reasoning, session.cwd)) };
  return { session, terminal, config, knowledgeBase, answerSource, model, options: answerOptions(config), reasoning, close };
}

/** One stderr line per retry: which attempt failed, why, and how long until the next. */
export function describeRetry(retry: ProviderRetry): string {
  const { details, code } = retry.error;
  const reason =
    code === 'E_PROVIDER_TIMEOUT'
      ? `no answer within ${Number(details.timeoutMs) / 1000} s`
      : code === 'E_PROVIDER_UNREACHABLE'
        ? `endpoint unreachable${details.systemCode ? ` (${String(details.systemCode)})` : ''}`
        : details.statusCode !== undefined
          ? `HTTP ${String(details.statusCode)}`
          : code;
  return `Model attempt ${retry.attempt}/${retry.maxAttempts} failed: ${reason}; retrying in ${(retry.waitMs / 1000).toFixed(1)} s…`;
}

const SKIPPED_LINES_SHOWN = 5;

/**
 * The usable examples of a pool. Skipped lines are warned about (the first few, then a count); a
 * pool with none usable fails with `E_DATASET` (exit 2), since answering without the examples the
 * user asked for would pass silently for answering with them.
 */
function readUsablePool(file: string, fields: { 'input-field'?: string; 'output-field'?: string }, terminal: Terminal): Example[] {
  const inputField = fields['input-field'] ?? 'input';
  const outputField = fields['output-field'] ?? 'output';
  const { examples, skipped } = readExamplePool(file, { onMalformed: 'skip', inputField, outputField });
  if (examples.length === 0) {
    throw new HangjiaError(
      'E_DATASET',
      `No line of the example pool ${file} is usable (${skipped.length} skipped; line ${skipped[0]?.line ?? '—'}: ${skipped[0]?.message.slice(file.length + 1).replace(/^\d+: /, '').replace(/\.$/, '') ?? 'the file is empty'}). Each line needs a non-empty "${inputField}" and "${outputField}" string; name other fields with --input-field and --output-field (e.g. --input-field question --output-field answer).`,
      { details: { path: file, skipped: skipped.length, inputField, outputField } },
    );
  }
  for (const line of skipped.slice(0, SKIPPED_LINES_SHOWN)) terminal.warn(`Skipped ${line.message}`);
  if (skipped.length > SKIPPED_LINES_SHOWN) terminal.warn(`Skipped ${skipped.length - SKIPPED_LINES_SHOWN} more lines of ${file}; ${examples.length} examples are used.`);
  return examples;
}

/**
 * Streams an answer to the terminal: text as it comes, then sources and flags. Returns the answer.
 * Under `strict` the text is printed once checked, since sentences may be taken out of it.
 */
export async function printAnswerStream(stream: AnswerStream, terminal: Terminal, write: (text: string) => void, strict = false): Promise<Answer> {
  for await (const part of stream) {
    if (part.type === 'retrieval-end') {
      terminal.debug(`Retrieved ${part.hits.length} passages for "${part.query}" in ${part.retrievalMs.toFixed(1)} ms; evidence ${part.evidence.score.toFixed(3)}.`);
    } else if (part.type === 'text-delta' && !strict) {
      write(part.delta);
    }
  }
  let answer: Answer;
  try {
    answer = await stream.answer;
  } catch (error) {
    write('\n');
    terminal.warn('Without a reachable model, unset model.provider (HANGJIA_MODEL_PROVIDER=none) for extractive answers, or check model.baseURL.');
    throw error;
  }
  if (strict) write(answer.text);
  write('\n');
  if (answer.kind === 'refused') {
    terminal.out(`\n(Refused: evidence ${answer.evidence.score.toFixed(2)} is below the threshold ${answer.evidenceThreshold}; the model was not called. Lower it with --threshold.)`);
  }
  if (answer.citations.length > 0) {
    terminal.out('\nSources:');
    for (const citation of answer.citations) {
      const where = citation.headingPath.length ? citation.headingPath.join(' › ') : citation.documentTitle;
      terminal.out(`[${citation.n}] ${sourceLocation(citation)}  ${where}  (${citation.start}–${citation.end})`);
      terminal.out(`    ${snippet(citation.snippet)}`);
    }
  }
  const flags: string[] = [];
  if (answer.incomplete) flags.push(`incomplete: the answer was cut off${answer.error ? ` (${answer.error.code}: ${answer.error.message})` : ''}`);
  for (const sentence of answer.unsupportedSentences) {
    flags.push(`unsupported (${sentence.reason === 'no-citation' ? 'no citation' : `support ${sentence.support.toFixed(2)}`}): ${snippet(sentence.sentence, 80)}`);
  }
  for (const sentence of answer.strictRemoved ?? []) flags.push(`removed (--strict, ${sentence.reason === 'no-citation' ? 'no citation' : `support ${sentence.support.toFixed(2)}`}): ${snippet(sentence.sentence, 80)}`);
  for (const marker of answer.removedMarkers) flags.push(`removed citation ${marker.marker}: it points at no source`);
  if (answer.droppedRanks.length > 0) flags.push(`passages ${answer.droppedRanks.join(', ')} did not fit the context and were not shown to the model`);
  if (flags.length > 0) {
    terminal.out('\nFlags:');
    for (const flag of flags) terminal.out(`  - ${flag}`);
  }
  return answer;
}

/** The answer as `--json` prints it. */
export function answerToJson(answer: Answer, knowledgeBase: string): Record<string, unknown> {
  return {
    knowledgeBase,
    question: answer.question,
    standaloneQuestion: answer.standaloneQuestion,
    kind: answer.kind,
    refusal: answer.refusal ?? null,
    answer: answer.text,
    incomplete: answer.incomplete,
    ...(answer.error ? { error: { code: answer.error.code, message: answer.error.message } } : {}),
    citations: answer.citations,
    unsupportedSentences: answer.unsupportedSentences,
    ...(answer.strictRemoved === undefined ? {} : { strictRemoved: answer.strictRemoved }),
    removedMarkers: answer.removedMarkers,
    evidence: { ...answer.evidence, threshold: answer.evidenceThreshold },
    retrieval: answer.hits.map((hit, index) => {
      const { text, ...rest } = hitToJson(hit, index + 1);
      return { ...rest, snippet: snippet(String(text)) };
    }),
    droppedRanks: answer.droppedRanks,
    history: answer.history,
    model: answer.model ?? null,
    usage: answer.usage,
    tokens: answer.tokens,
    timings: answer.timings,
  };
}

export default defineCommand({
  meta: { name: 'ask', description: 'Answer a question from a knowledge base, with [n] citations (extractive when no model is configured)' },
  args: {
    ...ANSWER_ARGS,
    question: { type: 'positional', description: 'The question (quote it)', required: true },
  },
  async run({ args, data }) {
    // Before anything else: opening the knowledge base and the model prints configuration hints
    // that mean nothing when there is no question to answer.
    if (args.question.trim() === '') {
      throw new HangjiaError('E_USAGE', 'The question is empty: ask something, e.g. hangjia ask <kb> "试用期最长多久？"', { details: { question: args.question } });
    }
    const answering = await openAnswering(data, args);
    const { session, terminal } = answering;
    try {
      if (answering.reasoning.strategy !== 'rag') {
        const result = await answerWithStrategy(answering.knowledgeBase, args.question, { ...answering.options, ...answering.reasoning });
        if (terminal.json) terminal.outJson({ ...answerToJson(result.answer, args.kb), ...strategyToJson(result, Boolean(args.trace)) });
        else {
          await printAnswerStream(finishedAnswerStream(result.answer), terminal, (text) => session.streams.stdout.write(text));
          printStrategyDetails(result, terminal, Boolean(args.trace));
        }
        if (result.answer.incomplete) session.exitCode = EXIT.failure;
        return;
      }
      const stream = answerQuestion(answering.answerSource, args.question, answering.options);
      let answer: Answer;
      if (terminal.json) {
        answer = await stream.answer;
        terminal.outJson(answerToJson(answer, args.kb));
      } else {
        answer = await printAnswerStream(stream, terminal, (text) => session.streams.stdout.write(text), answering.options.strict === true);
      }
      if (answer.incomplete) session.exitCode = EXIT.failure;
    } finally {
      await answering.close();
    }
  },
});
