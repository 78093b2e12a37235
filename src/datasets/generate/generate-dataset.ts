import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import type { LanguageModel } from '../../models/index.js';
import { generateForChunk, type ChunkInput } from './_generate-chunk.js';
import { describeRunIdentityDifference, findRunIdentityDifference } from '../../support/index.js';
import { appendDoneJournal, compactOutput, GENERATION_REJECT_REASONS, readDoneJournal, JOB_STATE_VERSION, jobStatePath, readJobState, writeJobState, type GenerationFailure, type GenerationJobIdentity, type GenerationJobState, type GenerationRejectReason, type TokenUsage } from './_job-state.js';
import { generatedItemId, type GeneratedItem } from './generated-item.js';
import { GENERATION_METHODS, type GenerationMethod } from './generation-method.js';
import { DEFAULT_PROMPT_TEMPLATES, type PromptTemplates } from './prompt-templates.js';
import type { SeedTask } from './seed-task.js';

/** Where chunks come from: a `KnowledgeBase` fits (its `name` is recorded in each item). */
export interface GenerationChunkSource {
  readonly name?: string;
  readonly store: {
    iterateChunks(): Iterable<{ chunk: { id: string; text: string; headingPath: string[] }; documentPath: string; documentTitle: string }>;
    /** The store's generation (a knowledge base's `store.generation()`), recorded in the job's identity. */
    generation?(): number;
  };
}

export interface GenerationProgress {
  chunksTotal: number;
  /** Finished chunks, including those finished by earlier runs of the same job. */
  chunksDone: number;
  chunksFailed: number;
  /** Items in the output file. */
  items: number;
  rejected: Record<GenerationRejectReason, number>;
  /**
   * Tokens over all runs of the job, as the model reported them: every call the model answered,
   * including calls whose output was rejected or was not valid JSON, and retries.
   */
  usage: TokenUsage;
  /** The part of `usage` spent on calls that added no item (output not JSON or breaking the schema, or every item rejected). */
  wastedUsage: TokenUsage;
  /** `(input + output tokens of usage) / 1e6 × pricePerMillionTokens`, when a price was given. */
  estimatedCost?: number;
  /** The chunk that just finished or failed. */
  chunkId?: string;
}

export interface GenerateDatasetOptions {
  kb: GenerationChunkSource;
  model: LanguageModel;
  /** Where `model` is served (its base URL, or GGUF file), recorded in the job's identity: two servers are two models. */
  modelSource?: string;
  method: GenerationMethod;
  /** The JSONL file items are appended to; `<output>.state.json` beside it holds the job state. */
  output: string;
  /** Items wanted per chunk, 1–50 (default 3; dialogue: conversations). */
  perChunk?: number;
  /** Chunks generated at once, 1–64 (default 2). */
  concurrency?: number;
  /** Extra model calls per chunk after an error or rejected items, 0–10 (default 2). */
  maxRetries?: number;
  /** Base delay before retrying after an error; doubles each retry (default 1000 ms). */
  retryDelayMs?: number;
  /** Only the first N chunks in document order (default all). */
  limitChunks?: number;
  /** self-instruct: example tasks (default: three built-in ones per language). evol: the instructions to evolve (required). */
  seeds?: readonly SeedTask[];
  /** Prompt templates (default `DEFAULT_PROMPT_TEMPLATES`; see `loadPromptTemplates`). */
  templates?: PromptTemplates;
  /** Sampling temperature (default 0.7: generation wants variety; answers stay pinned by the chunk). */
  temperature?: number;
  /** Most tokens per call (default 2048). */
  maxTokens?: number;
  /** Price per million tokens (input and output alike) for the cost estimate in progress and result. */
  pricePerMillionTokens?: number;
  /** At most one state write per interval, plus one at the end (default 1000 ms); 0 writes after every chunk. */
  checkpointIntervalMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: GenerationProgress) => void;
  /** Clock for `createdAt` stamps (default `() => new Date()`). */
  now?: () => Date;
}

export interface GenerateDatasetResult extends GenerationProgress {
  /** `aborted`: the signal fired; run again to resume. `completed-with-errors`: see `failures`, run again to retry them. */
  status: 'completed' | 'completed-with-errors' | 'aborted';
  output: string;
  stateFile: string;
  /** Chunks already finished before this run started (skipped). */
  chunksSkipped: number;
  /** Items written by this run. */
  itemsWritten: number;
  /** Chunks that got fewer than `perChunk` items (rejections not made up within the retries). */
  shortChunks: number;
  /** Output lines of unfinished chunks dropped when resuming (regenerated with the same ids). */
  droppedOnResume: number;
  failures: GenerationFailure[];
}

/**
 * Generates fine-tuning items from every chunk of a knowledge base with a chat model, as a
 * resumable job. Each chunk's items are appended to `output` (JSONL, `GeneratedItem` lines) in
 * one write, and the chunk id is then recorded in `<output>.state.json`. Kill it and run it again
 * with the same output: finished chunks are skipped, lines of unfinished ones are dropped and
 * regenerated, and item ids (`<chunk id>:<method>:<index>`) make duplicates impossible.
 *
 * Chunks that fail (after `maxRetries`) are counted and listed in `failures` and the state; the
 * next run tries them again. Library code: nothing is printed; follow `onProgress`.
 *
 * Throws `E_USAGE` for options out of range, evol without seeds, an output file that is not this
 * job's, or a state whose method or perChunk differ from the options.
 *
 * @example
 * const kb = openKnowledgeBase({ home, name: 'law' }, createDefaultComponents(config));
 * const result = await generateDataset({ kb, model, method: 'self-qa', perChunk: 3, output: 'law.self-qa.jsonl' });
 */
export async function generateDataset(options: GenerateDatasetOptions): Promise<GenerateDatasetResult> {
  const perChunk = checkRange('perChunk', options.perChunk ?? 3, 1, 50);
  const concurrency = checkRange('concurrency', options.concurrency ?? 2, 1, 64);
  const maxRetries = checkRange('maxRetries', options.maxRetries ?? 2, 0, 10);
  if (!GENERATION_METHODS.includes(options.method)) {
    throw new HangjiaError('E_USAGE', `Unknown generation method "${String(options.method)}"; expected one of ${GENERATION_METHODS.join(', ')}.`, { details: { setting: 'method', value: options.method } });
  }
  const seeds = options.seeds ?? [];
  if (options.method === 'evol' && seeds.length === 0) {
    throw new HangjiaError('E_USAGE', 'evol rewrites existing instructions: give them as seeds (--seeds file.jsonl, e.g. the output of a self-qa run).', { details: { setting: 'seeds', method: 'evol' } });
  }
  const now = options.now ?? (() => new Date());
  const modelName = `${options.model.provider}:${options.model.modelId}`;
  const stateFile = jobStatePath(options.output);
  const state = openState(options, stateFile, perChunk, modelName, now);
  const done = new Set(state.doneChunkIds);
  for (const chunkId of readDoneJournal(stateFile)) {
    if (done.has(chunkId)) continue;
    done.add(chunkId);
    state.doneChunkIds.push(chunkId);
  }
  const { ids: existingIds, dropped } = compactOutput(options.output, done);

  const chunks: Array<ChunkInput & { documentPath: string }> = [];
  for (const stored of options.kb.store.iterateChunks()) {
    if (options.limitChunks !== undefined && chunks.length >= options.limitChunks) break;
    chunks.push({ id: stored.chunk.id, text: stored.chunk.text, headingPath: stored.chunk.headingPath, documentTitle: stored.documentTitle, documentPath: stored.documentPath });
  }
  const pending = chunks.map((chunk, ordinal) => ({ chunk, ordinal })).filter(({ chunk }) => !done.has(chunk.id));
  const chunksSkipped = chunks.length - pending.length;
  const chunkIds = new Set(chunks.map((chunk) => chunk.id));
  let doneThisRun = 0;
  const currentFailures = new Map(state.failures.map((failure) => [failure.chunkId, failure]));
  let items = existingIds.size;
  let itemsWritten = 0;
  let shortChunks = 0;
  let lastCheckpoint = 0;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 1000;
  const saveState = (force: boolean): void => {
    const time = Date.now();
    if (!force && time - lastCheckpoint < checkpointIntervalMs) return;
    lastCheckpoint = time;
    state.failures = [...currentFailures.values()];
    state.updatedAt = now().toISOString();
    writeJobState(stateFile, state);
  };
  const progress = (chunkId?: string): GenerationProgress => ({
    chunksTotal: chunks.length,
    chunksDone: chunksSkipped + doneThisRun,
    chunksFailed: [...currentFailures.keys()].filter((id) => chunkIds.has(id)).length,
    items,
    rejected: { ...state.rejected },
    usage: { ...state.usage },
    wastedUsage: { ...state.wastedUsage },
    ...(options.pricePerMillionTokens === undefined ? {} : { estimatedCost: ((state.usage.inputTokens + state.usage.outputTokens) / 1e6) * options.pricePerMillionTokens }),
    ...(chunkId === undefined ? {} : { chunkId }),
  });
  saveState(true);
  options.onProgress?.(progress());

  const context = {
    model: options.model,
    method: options.method,
    perChunk,
    maxRetries,
    retryDelayMs: options.retryDelayMs ?? 1000,
    templates: options.templates ?? DEFAULT_PROMPT_TEMPLATES,
    seeds,
    temperature: options.temperature ?? 0.7,
    maxTokens: options.maxTokens ?? 2048,
    signal: options.signal,
    recordUsage: (usage: TokenUsage, wasted: boolean): void => {
      addUsage(state.usage, usage);
      if (wasted) addUsage(state.wastedUsage, usage);
    },
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length && !options.signal?.aborted) {
      const { chunk, ordinal } = pending[next++]!;
      let generation;
      try {
        generation = await generateForChunk(context, chunk, ordinal);
      } catch (error) {
        if (options.signal?.aborted) return;
        throw error;
      }
      for (const reason of GENERATION_REJECT_REASONS) state.rejected[reason] += generation.rejected[reason];
      if (generation.exchanges.length === 0) {
        const error = generation.error;
        currentFailures.set(chunk.id, {
          chunkId: chunk.id,
          code: HangjiaError.is(error) ? error.code : error === undefined ? 'E_GENERATION_EMPTY' : 'E_UNEXPECTED',
          message: error === undefined ? `Every item the model wrote was rejected (${describeRejections(generation.rejected)}).` : (error as Error).message,
          attempts: generation.attempts,
        });
      } else {
        const createdAt = now().toISOString();
        const lines = generation.exchanges.map((exchange, index): GeneratedItem => ({
          id: generatedItemId(chunk.id, options.method, index),
          method: options.method,
          messages: exchange.turns.flatMap((turn) => [
            { role: 'user' as const, content: turn.user },
            { role: 'assistant' as const, content: turn.assistant },
          ]),
          chunkIds: [chunk.id],
          language: generation.language,
          source: { ...(options.kb.name ? { knowledgeBase: options.kb.name } : {}), documentPath: chunk.documentPath, documentTitle: chunk.documentTitle, headingPath: chunk.headingPath },
          ...(exchange.operation ? { operation: exchange.operation } : {}),
          ...(exchange.evolvedFrom === undefined ? {} : { evolvedFrom: exchange.evolvedFrom }),
          model: modelName,
          createdAt,
        }));
        // One write per chunk, then its id in the journal: a crash between the two leaves lines
        // of an unfinished chunk, which the next run drops (compactOutput) and regenerates.
        fs.appendFileSync(options.output, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
        appendDoneJournal(stateFile, chunk.id);
        done.add(chunk.id);
        state.doneChunkIds.push(chunk.id);
        currentFailures.delete(chunk.id);
        doneThisRun += 1;
        items += lines.length;
        itemsWritten += lines.length;
        if (lines.length < perChunk) shortChunks += 1;
      }
      saveState(false);
      options.onProgress?.(progress(chunk.id));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, pending.length)) }, worker));
  } finally {
    saveState(true);
  }
  const final = progress();
  const failures = [...currentFailures.values()];
  return {
    ...final,
    status: options.signal?.aborted ? 'aborted' : failures.length > 0 ? 'completed-with-errors' : 'completed',
    output: options.output,
    stateFile,
    chunksSkipped,
    itemsWritten,
    shortChunks,
    droppedOnResume: dropped,
    failures,
  };
}

function openState(options: GenerateDatasetOptions, stateFile: string, perChunk: number, modelName: string, now: () => Date): GenerationJobState {
  const existing = readJobState(stateFile);
  const identity: GenerationJobIdentity = {
    model: { provider: options.model.provider, modelId: options.model.modelId, source: options.modelSource ?? null },
    temperature: options.temperature ?? 0.7,
    maxTokens: options.maxTokens ?? 2048,
    templates: digest(options.templates ?? DEFAULT_PROMPT_TEMPLATES),
    seeds: options.seeds === undefined || options.seeds.length === 0 ? null : digest(options.seeds),
    knowledgeBaseGeneration: options.kb.store.generation?.() ?? null,
  };
  if (existing) {
    // A state from before identities were recorded adopts this run's (as with wastedUsage): it
    // cannot be checked, and refusing it would strand a half-finished job.
    existing.identity ??= identity;
    const difference = findRunIdentityDifference(existing.identity, identity);
    if (difference !== undefined) {
      const shown = describeRunIdentityDifference(difference);
      throw new HangjiaError(
        'E_USAGE',
        `${options.output} belongs to a job with ${difference.setting} ${shown.previous}, but this run has ${shown.value}: its items cannot be resumed into this job. Resume it with the same settings, or write to another output file.`,
        { details: { path: stateFile, ...difference } },
      );
    }
    if (existing.config.method !== options.method || existing.config.perChunk !== perChunk) {
      throw new HangjiaError(
        'E_USAGE',
        `${options.output} belongs to a job with method ${existing.config.method} and perChunk ${existing.config.perChunk}, not ${options.method} and ${perChunk}. Resume it with the same settings, or write to another output file.`,
        { details: { path: stateFile, method: options.method, perChunk, stateMethod: existing.config.method, statePerChunk: existing.config.perChunk } },
      );
    }
    if (!existing.models.includes(modelName)) existing.models.push(modelName);
    return existing;
  }
  if (fs.existsSync(options.output) && fs.statSync(options.output).size > 0) {
    throw new HangjiaError('E_USAGE', `${options.output} already exists and has no generation state (${stateFile}), so it is not a job to resume. Write to another file, or remove it first.`, { details: { path: options.output } });
  }
  const time = now().toISOString();
  return {
    version: JOB_STATE_VERSION,
    config: { method: options.method, perChunk, ...(options.kb.name ? { knowledgeBase: options.kb.name } : {}) },
    identity,
    models: [modelName],
    createdAt: time,
    updatedAt: time,
    doneChunkIds: [],
    failures: [],
    rejected: { 'passage-reference': 0, duplicate: 0, empty: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    wastedUsage: { inputTokens: 0, outputTokens: 0 },
  };
}

function addUsage(total: TokenUsage, usage: TokenUsage): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
}

function checkRange(setting: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HangjiaError('E_USAGE', `${setting} must be a whole number from ${min} to ${max}; got ${value}.`, { details: { setting, value } });
  }
  return value;
}

function describeRejections(rejected: Record<GenerationRejectReason, number>): string {
  return GENERATION_REJECT_REASONS.filter((reason) => rejected[reason] > 0).map((reason) => `${reason} ${rejected[reason]}`).join(', ') || 'none returned';
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
