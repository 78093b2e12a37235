import path from 'node:path';
import type { ArgsDef } from 'citty';
import type { Answer, AnswerStream } from '../answer/index.js';
import { HangjiaError } from '../errors/index.js';
import { EXAMPLE_SELECTOR_NAMES, readExamplePool, type Example } from '../examples/index.js';
import type { ProviderRetry } from '../models/index.js';
import { openAnswering, type Answering } from '../presets/index.js';
import { ANSWER_STRATEGIES, type AnsweringStrategy } from '../reasoning/index.js';
import { snippet, sourceLocation } from './_format.js';
import { rerankFlag, RERANK_ARGS } from './_rerank.js';
import { COMMON_ARGS, numberFlag, openSession, type CliSession } from './_session.js';
import type { Terminal } from './_terminal.js';

/** Flags shared by `ask` and `chat` (and, with `--kb`, `eval rag`). */
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

/** The answering flags, as `ask`, `chat` and `eval rag --kb` receive them. */
export type AnsweringFlags = { kb: string; k?: string; threshold?: string; examples?: string; 'input-field'?: string; 'output-field'?: string; shots?: string; selector?: string; mode?: string; rerank?: string; strict?: boolean; graph?: boolean; strategy?: string } & Parameters<typeof openSession>[1];

/** {@link openAnswering} from the flags, with the session and terminal the command prints to. */
export async function openAnsweringFromFlags(data: unknown, args: AnsweringFlags): Promise<Answering & { session: CliSession; terminal: Terminal }> {
  const { session, terminal, loaded } = openSession(data, args, {
    'search.k': numberFlag('k', args.k, { min: 1, max: 100 }),
    'search.mode': args.mode,
    'answer.evidenceThreshold': numberFlag('threshold', args.threshold, { min: 0, max: 1 }),
    'answer.strict': args.strict,
    'answer.graph': args.graph,
  });
  // The pool is read first: a pool with no usable line is a usage error, whatever the model.
  const pool = args.examples ? readUsablePool(path.resolve(session.cwd, args.examples), args, terminal) : undefined;
  const rerank = rerankFlag(args.rerank);
  const shots = pool ? numberFlag('shots', args.shots, { min: 1, max: 50 }) : undefined;
  const answering = await openAnswering(loaded, {
    knowledgeBase: args.kb,
    cwd: session.cwd,
    ...(rerank === undefined ? {} : { rerank }),
    ...(pool ? { examples: { pool, ...(args.selector ? { selector: args.selector } : {}), ...(shots === undefined ? {} : { shots }) } } : {}),
    strategy: (args.strategy ?? 'rag') as AnsweringStrategy,
    onModelRetry: (retry) => terminal.warn(describeRetry(retry)),
    onNotice: (message) => terminal.info(message),
  });
  return { ...answering, session, terminal };
}

/** One stderr line per retry: which attempt failed, why, and how long until the next. */
function describeRetry(retry: ProviderRetry): string {
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
