import { createHash } from 'node:crypto';
import { estimateTokens } from '../chunking/index.js';
import { HangjiaError } from '../errors/index.js';
import type { KnowledgeBase, StoredChunk } from '../knowledge-base/index.js';
import type { LanguageModel } from '../models/index.js';
import type { GraphSchema } from './graph-schema.js';
import { GraphStore } from './graph-store.js';
import { extractFactsWithModel, extractionMessages } from './model-extraction.js';
import { readGraphSchema } from './graph-schema-store.js';
import { resolveGraph, type ResolveCounters } from './resolve-graph.js';
import { extractRuleFacts, RULES_VERSION } from './rule-extractors.js';

/** Default of {@link BuildGraphOptions.confirmAboveChunks}. */
export const DEFAULT_CONFIRM_ABOVE_CHUNKS = 200;

/** What a model extraction run will cost, before it starts. */
export interface GraphBuildEstimate {
  /** Chunk texts the model still has to read (new, changed, failed before, or extracted under another schema). */
  chunks: number;
  /** Chunk texts already extracted with this schema (not sent again). */
  alreadyDone: number;
  inputTokens: number;
  outputTokens: number;
  /** With a price: (input + output tokens) × price / 1,000,000. */
  estimatedCost?: number;
}

export interface GraphBuildProgress {
  phase: 'rules' | 'model' | 'resolve';
  done: number;
  total: number;
  facts: number;
  rejected: number;
  invalidReplies: number;
  failed: number;
  usage: { inputTokens: number; outputTokens: number };
  estimatedCost?: number;
}

export interface BuildGraphOptions {
  /**
   * The schema for model extraction and this build's resolution; default the knowledge base's stored
   * schema. Store it with `saveGraphSchema` to keep it: later reads resolve with the stored one.
   */
  schema?: GraphSchema;
  /** Without a model only the model-free extractors run. */
  model?: LanguageModel;
  /** Only the first N chunks (in document order) are sent to the model (default all). */
  limitChunks?: number;
  /** Price per million tokens, input and output alike, for cost estimates. */
  pricePerMillionTokens?: number;
  /**
   * Asked before the model reads more than `confirmAboveChunks` chunks; the build stops before
   * spending anything unless it returns true. Without it such a build fails with `E_GRAPH_CONFIRM`.
   */
  confirm?: (estimate: GraphBuildEstimate) => boolean | Promise<boolean>;
  /** Default {@link DEFAULT_CONFIRM_ABOVE_CHUNKS}; 0 asks always, Infinity never. */
  confirmAboveChunks?: number;
  /** Chunks extracted at once (default 1; an endpoint serving several requests gains from 2–8). */
  concurrency?: number;
  /** Default 0 (extraction wants the most likely reading). */
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  onProgress?: (progress: GraphBuildProgress) => void;
}

export interface GraphBuildResult {
  /** `declined`: the cost confirmation said no; nothing was sent. `aborted`: stopped by the signal, finished chunks kept. */
  status: 'completed' | 'aborted' | 'declined';
  chunks: number;
  rules: { extracted: number; reused: number };
  model?: {
    extracted: number;
    reused: number;
    /** Chunk texts left for a later run (the limit, an abort). */
    pending: number;
    /** Replies that did not match the JSON schema (counted, the chunk left for a retry). */
    invalidReplies: number;
    /** Calls that failed otherwise (network, endpoint errors), by chunk. */
    failures: Array<{ chunkId: string; code: string; message: string }>;
    facts: number;
    rejected: number;
    usage: { inputTokens: number; outputTokens: number };
    estimatedCost?: number;
  };
  estimate?: GraphBuildEstimate;
  /** Facts dropped because no chunk has their text any more. */
  pruned: number;
  graph: ResolveCounters;
}

/**
 * Builds or updates a knowledge base's graph, incrementally by chunk text:
 *
 * 1. drops the facts of chunk texts the knowledge base no longer has (deleted or changed chunks);
 * 2. runs the model-free extractors on every chunk text they have not seen;
 * 3. with a model: estimates the cost of the chunk texts not yet extracted with this schema,
 *    asks for confirmation above a size, then extracts them one by one, saving each chunk's facts
 *    (and rejections, and tokens) in one transaction — so an interrupted build resumes where it
 *    stopped, and a `kb sync` followed by a build sends only new and changed chunks;
 * 4. resolves entities into the graph tables.
 *
 * @example
 * const result = await buildGraph(kb, { model, schema: parseGraphSchema(SCHEMA_PRESETS.law), pricePerMillionTokens: 2 });
 */
export async function buildGraph(kb: KnowledgeBase, options: BuildGraphOptions = {}): Promise<GraphBuildResult> {
  const graphStore = new GraphStore(kb.store);
  const schema = options.schema ?? readGraphSchema(kb.store);
  const pruned = graphStore.pruneFacts();
  const chunks = distinctChunkTexts(kb);
  const rules = runRuleExtractors(graphStore, chunks, options.onProgress);
  const result: GraphBuildResult = { status: 'completed', chunks: chunks.length, rules, pruned, graph: { nodes: 0, attributes: 0, edges: 0, mentions: 0 } };

  if (options.model) {
    if (!schema) {
      throw new HangjiaError('E_GRAPH_SCHEMA', `Knowledge base "${kb.name}" has no graph schema for the model to extract with. Set one with "hangjia graph schema ${kb.name} --preset law|medicine|finance" (or a YAML file), or pass --schema.`, {
        details: { name: kb.name },
      });
    }
    const modelRun = await runModelExtraction(graphStore, chunks, schema, options.model, options);
    result.model = modelRun.summary;
    result.estimate = modelRun.estimate;
    result.status = modelRun.status;
  }
  options.onProgress?.({ phase: 'resolve', done: 0, total: 1, facts: 0, rejected: 0, invalidReplies: 0, failed: 0, usage: { inputTokens: 0, outputTokens: 0 } });
  result.graph = resolveGraph(graphStore, schema);
  return result;
}

/**
 * Brings the graph up to date without a model: prunes facts of vanished chunks, runs the rules on
 * new chunk texts, and resolves again — when the knowledge base or the facts changed since the last
 * resolution. Reading commands call it, so a `kb sync` shows in the graph at once.
 */
export function refreshGraph(kb: KnowledgeBase): { refreshed: boolean } {
  const graphStore = new GraphStore(kb.store);
  if (kb.store.getMeta('graph.resolvedFrom') === graphStore.currentRevision()) return { refreshed: false };
  graphStore.pruneFacts();
  runRuleExtractors(graphStore, distinctChunkTexts(kb));
  resolveGraph(graphStore, readGraphSchema(kb.store));
  return { refreshed: true };
}

/** One chunk per distinct text (the first in document order): facts are kept by text. */
function distinctChunkTexts(kb: KnowledgeBase): StoredChunk[] {
  const seen = new Set<string>();
  const chunks: StoredChunk[] = [];
  for (const stored of kb.store.iterateChunks()) {
    if (seen.has(stored.textHash)) continue;
    seen.add(stored.textHash);
    chunks.push(stored);
  }
  return chunks;
}

function runRuleExtractors(graphStore: GraphStore, chunks: StoredChunk[], onProgress?: BuildGraphOptions['onProgress']): { extracted: number; reused: number } {
  const states = graphStore.extractionStates('rules');
  const pending = chunks.filter((stored) => states.get(stored.textHash)?.version !== RULES_VERSION);
  let facts = 0;
  graphStore.database.transaction(() => {
    for (const stored of pending) {
      const extracted = extractRuleFacts(stored.chunk.text, stored.chunk.headingPath);
      facts += extracted.length;
      graphStore.saveExtraction(stored.textHash, 'rules', RULES_VERSION, { facts: extracted, rejected: [] });
    }
  })();
  onProgress?.({ phase: 'rules', done: pending.length, total: pending.length, facts, rejected: 0, invalidReplies: 0, failed: 0, usage: { inputTokens: 0, outputTokens: 0 } });
  return { extracted: pending.length, reused: chunks.length - pending.length };
}

/** A schema's fingerprint: model facts extracted under another schema are extracted again. */
export function schemaVersion(schema: GraphSchema): string {
  return `model-${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16)}`;
}

async function runModelExtraction(
  graphStore: GraphStore,
  chunks: StoredChunk[],
  schema: GraphSchema,
  model: LanguageModel,
  options: BuildGraphOptions,
): Promise<{ status: GraphBuildResult['status']; summary: NonNullable<GraphBuildResult['model']>; estimate: GraphBuildEstimate }> {
  const version = schemaVersion(schema);
  const states = graphStore.extractionStates('model');
  const considered = options.limitChunks === undefined ? chunks : chunks.slice(0, options.limitChunks);
  const pending = considered.filter((stored) => {
    const state = states.get(stored.textHash);
    return !(state?.status === 'done' && state.version === version);
  });
  const estimate = estimateModelExtraction(schema, pending, considered.length - pending.length, options.pricePerMillionTokens);
  const usage = { inputTokens: 0, outputTokens: 0 };
  const summary: NonNullable<GraphBuildResult['model']> = {
    extracted: 0,
    reused: considered.length - pending.length,
    pending: pending.length,
    invalidReplies: 0,
    failures: [],
    facts: 0,
    rejected: 0,
    usage,
  };
  const costOf = (): number | undefined => (options.pricePerMillionTokens === undefined ? undefined : ((usage.inputTokens + usage.outputTokens) * options.pricePerMillionTokens) / 1e6);
  if (pending.length > (options.confirmAboveChunks ?? DEFAULT_CONFIRM_ABOVE_CHUNKS)) {
    if (!options.confirm) {
      throw new HangjiaError(
        'E_GRAPH_CONFIRM',
        `Extracting ${pending.length} chunks with ${model.provider}:${model.modelId} needs about ${estimate.inputTokens + estimate.outputTokens} tokens${estimate.estimatedCost === undefined ? '' : ` (≈${estimate.estimatedCost.toFixed(2)})`}. Confirm with --yes, or limit it with --limit-chunks N.`,
        { details: { ...estimate } },
      );
    }
    if (!(await options.confirm(estimate))) return { status: 'declined', summary, estimate };
  }
  const progress = (done: number): void =>
    options.onProgress?.({
      phase: 'model',
      done,
      total: pending.length,
      facts: summary.facts,
      rejected: summary.rejected,
      invalidReplies: summary.invalidReplies,
      failed: summary.failures.length,
      usage: { ...usage },
      ...(costOf() === undefined ? {} : { estimatedCost: costOf()! }),
    });
  progress(0);
  const extractOne = async (stored: StoredChunk): Promise<void> => {
    try {
      const extracted = await extractFactsWithModel(
        model,
        schema,
        { text: stored.chunk.text, documentTitle: stored.documentTitle, headingPath: stored.chunk.headingPath },
        { ...(options.temperature === undefined ? {} : { temperature: options.temperature }), ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }), ...(options.signal ? { signal: options.signal } : {}) },
      );
      const tokens = { inputTokens: extracted.usage.inputTokens ?? 0, outputTokens: extracted.usage.outputTokens ?? 0 };
      usage.inputTokens += tokens.inputTokens;
      usage.outputTokens += tokens.outputTokens;
      graphStore.saveExtraction(stored.textHash, 'model', version, { facts: extracted.facts, rejected: extracted.rejected, ...tokens });
      summary.extracted++;
      summary.facts += extracted.facts.length;
      summary.rejected += extracted.rejected.length;
    } catch (error) {
      // A call cut by the abort is not the chunk's failure: it stays pending for the next run.
      if (options.signal?.aborted) return;
      if (!HangjiaError.is(error)) throw error;
      const callUsage = (error.details['usage'] ?? {}) as { inputTokens?: number; outputTokens?: number };
      const tokens = { inputTokens: callUsage.inputTokens ?? 0, outputTokens: callUsage.outputTokens ?? 0 };
      usage.inputTokens += tokens.inputTokens;
      usage.outputTokens += tokens.outputTokens;
      if (error.code === 'E_MODEL_OUTPUT') summary.invalidReplies++;
      else summary.failures.push({ chunkId: stored.chunk.id, code: error.code, message: error.message });
      graphStore.saveExtraction(stored.textHash, 'model', version, { error: `${error.code}: ${error.message}`, ...tokens });
    }
  };
  // Workers take the next chunk as they free up; each chunk's facts are committed on their own, so
  // the order they finish in does not matter.
  let next = 0;
  let finished = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length && !options.signal?.aborted) {
      const stored = pending[next++]!;
      await extractOne(stored);
      if (options.signal?.aborted) return;
      finished++;
      summary.pending = pending.length - finished;
      progress(finished);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 1, Math.max(1, pending.length)) }, () => worker()));
  const status: GraphBuildResult['status'] = options.signal?.aborted ? 'aborted' : 'completed';
  const cost = costOf();
  if (cost !== undefined) summary.estimatedCost = cost;
  return { status, summary, estimate };
}

/**
 * Tokens a model extraction of `pending` will take: per chunk, the prompt (instructions and schema,
 * measured on the real prompt) plus the chunk, and for the reply half the chunk's tokens plus 64
 * (facts quote their evidence, so replies grow with the text).
 */
export function estimateModelExtraction(schema: GraphSchema, pending: StoredChunk[], alreadyDone: number, pricePerMillionTokens?: number): GraphBuildEstimate {
  const overhead = estimateTokens(extractionMessages(schema, { text: '', documentTitle: '', headingPath: [] }).map((message) => message.content).join('\n'));
  let inputTokens = 0;
  let outputTokens = 0;
  for (const stored of pending) {
    inputTokens += overhead + stored.chunk.tokenCount + estimateTokens(stored.documentTitle);
    outputTokens += Math.ceil(stored.chunk.tokenCount / 2) + 64;
  }
  return {
    chunks: pending.length,
    alreadyDone,
    inputTokens,
    outputTokens,
    ...(pricePerMillionTokens === undefined ? {} : { estimatedCost: ((inputTokens + outputTokens) * pricePerMillionTokens) / 1e6 }),
  };
}
