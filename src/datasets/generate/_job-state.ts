import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import { writeFileAtomic } from '../_atomic-write.js';
import type { GenerationMethod } from './generation-method.js';

export const JOB_STATE_VERSION = 1;

/** Why an item the model wrote was not kept. */
export type GenerationRejectReason = 'passage-reference' | 'duplicate' | 'empty';

export const GENERATION_REJECT_REASONS: readonly GenerationRejectReason[] = ['passage-reference', 'duplicate', 'empty'];

/** Prompt (input) and completion (output) tokens, as the model reported them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface GenerationFailure {
  chunkId: string;
  code: string;
  message: string;
  attempts: number;
}

/** `<output>.state.json`: what a resumed run needs, and the counters of all runs so far. */
export interface GenerationJobState {
  version: number;
  config: { method: GenerationMethod; perChunk: number; knowledgeBase?: string };
  /**
   * Everything else that changes what the model writes (model and where it is served, sampling,
   * prompts, seeds, the knowledge base's generation): a resumed job must match it, so one output
   * file never mixes items made two ways. Absent in states written before it was recorded.
   */
  identity?: GenerationJobIdentity;
  models: string[];
  createdAt: string;
  updatedAt: string;
  /** Chunks whose items are all in the output file; a resumed run skips them. */
  doneChunkIds: string[];
  /** Chunks that failed in the latest attempt; a resumed run tries them again. */
  failures: GenerationFailure[];
  rejected: Record<GenerationRejectReason, number>;
  /** Tokens of every call the model answered, over all runs, whatever became of the output. */
  usage: TokenUsage;
  /**
   * The part of `usage` spent on calls that added no item (output not JSON or breaking the
   * schema, or every item rejected). States written before this field existed read as zero.
   */
  wastedUsage: TokenUsage;
}

export interface GenerationJobIdentity {
  model: { provider: string; modelId: string; source: string | null };
  temperature: number;
  maxTokens: number;
  /** sha256 of the prompt templates as used. */
  templates: string;
  /** sha256 of the seed tasks, or null for none. */
  seeds: string | null;
  /** The knowledge base's store generation when known (a sync that changes documents bumps it). */
  knowledgeBaseGeneration: number | null;
}

export function jobStatePath(output: string): string {
  return `${output}.state.json`;
}

export function readJobState(file: string): GenerationJobState | undefined {
  if (!fs.existsSync(file)) return undefined;
  let state: GenerationJobState;
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8')) as GenerationJobState;
  } catch (cause) {
    throw new HangjiaError('E_DATASET', `Generation state ${file} is not valid JSON. Delete it and the output file to start over.`, { details: { path: file }, cause });
  }
  if (state.version !== JOB_STATE_VERSION) {
    throw new HangjiaError('E_DATASET', `Generation state ${file} has version ${String(state.version)}; this hangjia writes version ${JOB_STATE_VERSION}. Finish it with the hangjia that started it, or delete it and the output to start over.`, {
      details: { path: file, version: state.version, expected: JOB_STATE_VERSION },
    });
  }
  // Added without a version bump so that older jobs stay resumable: their wasted tokens are unknown.
  state.wastedUsage ??= { inputTokens: 0, outputTokens: 0 };
  return state;
}

/**
 * `<output>.state.json.done`: the ids of chunks finished since the state was last written, one a
 * line, appended right after each chunk's items. The state is written at most once a second
 * (rewriting thousands of ids per chunk would cost more than the chunks); without this journal a
 * process killed in that second would generate its last chunks again.
 */
function doneJournalPath(stateFile: string): string {
  return `${stateFile}.done`;
}

/** The chunk ids in the journal; a last line cut short by a kill is not one. */
export function readDoneJournal(stateFile: string): string[] {
  const file = doneJournalPath(stateFile);
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete.split('\n').filter((line) => line !== '');
}

export function appendDoneJournal(stateFile: string, chunkId: string): void {
  fs.appendFileSync(doneJournalPath(stateFile), `${chunkId}\n`);
}

/** Writes the state, then empties the journal, whose ids the state now holds. */
export function writeJobState(file: string, state: GenerationJobState): void {
  writeJobStateFile(file, state);
  fs.rmSync(doneJournalPath(file), { force: true });
}

function writeJobStateFile(file: string, state: GenerationJobState): void {
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Keeps only output lines that belong to finished chunks, once each. Lines of a chunk that was
 * cut short (appended, but the state not yet saved when the process died) are dropped: the
 * chunk is not in `doneChunkIds`, so it is generated again — with the same item ids. A torn last
 * line (killed mid-write) is dropped the same way. Returns the ids kept.
 */
export function compactOutput(output: string, done: ReadonlySet<string>): { ids: Set<string>; dropped: number } {
  const ids = new Set<string>();
  if (!fs.existsSync(output)) return { ids, dropped: 0 };
  const content = fs.readFileSync(output, 'utf8');
  const kept: string[] = [];
  let dropped = 0;
  for (const line of content.split('\n')) {
    if (line.trim() === '') continue;
    let item: { id?: unknown; chunkIds?: unknown } | undefined;
    try {
      item = JSON.parse(line) as { id?: unknown; chunkIds?: unknown };
    } catch {
      item = undefined;
    }
    const chunkId = Array.isArray(item?.chunkIds) ? (item.chunkIds[0] as unknown) : undefined;
    if (!item || typeof item.id !== 'string' || typeof chunkId !== 'string' || !done.has(chunkId) || ids.has(item.id)) {
      dropped += 1;
      continue;
    }
    ids.add(item.id);
    kept.push(line);
  }
  if (dropped > 0 || (content.length > 0 && !content.endsWith('\n'))) writeFileAtomic(output, kept.map((line) => `${line}\n`).join(''));
  return { ids, dropped };
}
