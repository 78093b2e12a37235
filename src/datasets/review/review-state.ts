import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import { writeFileAtomic } from '../_atomic-write.js';
import type { DatasetRecord } from '../dataset-record.js';

export type ReviewAction = 'accept' | 'edit' | 'reject';

export const REVIEW_ACTIONS: readonly ReviewAction[] = ['accept', 'edit', 'reject'];

/** A reviewer's latest word on one item; a later decision on the same id replaces it. */
export interface ReviewDecision {
  /** The item's id: `raw.id` when the line has one (generated files do), else `<file>:<line>`. */
  id: string;
  action: ReviewAction;
  /** edit: the replacement text for the first user turn and/or the last assistant turn. */
  edited?: { instruction?: string; output?: string };
  /** reject: why (kept for the next round of prompt tuning). */
  reason?: string;
  /** ISO time of the decision. */
  decidedAt: string;
}

export const REVIEW_STATE_VERSION = 1;

/** `<file>.review.json`: every decision so far, by item id. */
export interface ReviewState {
  version: number;
  /** The dataset file's name, for a reader who finds the review file on its own. */
  file: string;
  decisions: Record<string, ReviewDecision>;
}

export type ReviewStatus = ReviewAction | 'pending';

/** Where the review queue of `file` lives: beside it, `<file>.review.json`. */
export function reviewStatePath(file: string): string {
  return `${file}.review.json`;
}

/** The id review decisions use for a record. */
export function reviewItemId(record: Pick<DatasetRecord, 'id' | 'raw'>): string {
  return typeof record.raw?.id === 'string' ? record.raw.id : record.id;
}

/** The review state of `file`, empty when nobody has reviewed it yet. Throws `E_DATASET` for a corrupt file. */
export function readReviewState(file: string): ReviewState {
  const stateFile = reviewStatePath(file);
  if (!fs.existsSync(stateFile)) return { version: REVIEW_STATE_VERSION, file: file.split(/[\\/]/u).pop() ?? file, decisions: {} };
  let state: ReviewState;
  try {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ReviewState;
  } catch (cause) {
    throw new HangjiaError('E_DATASET', `Review file ${stateFile} is not valid JSON; fix or delete it (decisions in it would be lost).`, { details: { path: stateFile }, cause });
  }
  if (state.version !== REVIEW_STATE_VERSION || typeof state.decisions !== 'object' || state.decisions === null) {
    throw new HangjiaError('E_DATASET', `Review file ${stateFile} has version ${String(state.version)}; expected ${REVIEW_STATE_VERSION}.`, { details: { path: stateFile, version: state.version } });
  }
  return state;
}

/** Saves the review state atomically beside `file`, so an interrupted session never corrupts earlier decisions. */
export function writeReviewState(file: string, state: ReviewState): void {
  writeFileAtomic(reviewStatePath(file), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Records a decision (replacing any earlier one on the same id) and returns it. Throws `E_USAGE`
 * for an id not in `knownIds` (when given), or an edit with neither instruction nor output.
 */
export function recordReviewDecision(state: ReviewState, decision: Omit<ReviewDecision, 'decidedAt'>, options: { now?: () => Date; knownIds?: ReadonlySet<string> } = {}): ReviewDecision {
  if (options.knownIds && !options.knownIds.has(decision.id)) {
    throw new HangjiaError('E_USAGE', `No item with id "${decision.id}" in ${state.file}. List ids with: hangjia data review ${state.file} --list all`, { details: { id: decision.id, path: state.file } });
  }
  if (decision.action === 'edit' && decision.edited?.instruction === undefined && decision.edited?.output === undefined) {
    throw new HangjiaError('E_USAGE', `An edit of "${decision.id}" needs the new text: --output "…" and/or --instruction "…".`, { details: { id: decision.id } });
  }
  const recorded: ReviewDecision = {
    id: decision.id,
    action: decision.action,
    ...(decision.action === 'edit' && decision.edited ? { edited: decision.edited } : {}),
    ...(decision.action === 'reject' && decision.reason ? { reason: decision.reason } : {}),
    decidedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  state.decisions[decision.id] = recorded;
  return recorded;
}

/** Each record's status under `state`, in file order. */
export function reviewStatuses(records: readonly DatasetRecord[], state: ReviewState): Array<{ record: DatasetRecord; id: string; status: ReviewStatus }> {
  return records.map((record) => {
    const id = reviewItemId(record);
    return { record, id, status: state.decisions[id]?.action ?? 'pending' };
  });
}
