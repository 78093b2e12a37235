import type { DatasetRecord, DatasetTurn } from '../dataset-record.js';
import { reviewItemId, type ReviewDecision, type ReviewState } from './review-state.js';

export interface ApplyReviewOptions {
  /** Keep items nobody has reviewed yet (default true: review is a filter, not a gate; pass false to export only what a person approved). */
  keepPending?: boolean;
}

export interface ApplyReviewResult {
  records: DatasetRecord[];
  counts: { accepted: number; edited: number; rejected: number; pending: number; pendingDropped: number };
  /** Decisions whose ids match no record (the file changed since the review). */
  unmatched: string[];
}

/**
 * Applies review decisions to records on their way to export: rejected items are dropped, edits
 * replace the first user turn (`instruction`) and/or the last assistant turn (`output`) — in the
 * turns `exportDataset` formats and in `raw`, so every writer sees the edit — and accepted and
 * pending items pass through (pending ones only with `keepPending`, the default).
 *
 * @example
 * const { records } = readDatasetFile('law.self-qa.jsonl');
 * const reviewed = applyReviewDecisions(records, readReviewState('law.self-qa.jsonl'));
 * exportDataset(reviewed.records, { … });
 */
export function applyReviewDecisions(records: readonly DatasetRecord[], decisions: ReviewState | Record<string, ReviewDecision> | readonly ReviewDecision[], options: ApplyReviewOptions = {}): ApplyReviewResult {
  const byId = new Map<string, ReviewDecision>(
    Array.isArray(decisions) ? decisions.map((decision) => [decision.id, decision]) : Object.entries('decisions' in decisions && typeof decisions.version === 'number' ? (decisions as ReviewState).decisions : (decisions as Record<string, ReviewDecision>)),
  );
  const keepPending = options.keepPending ?? true;
  const counts = { accepted: 0, edited: 0, rejected: 0, pending: 0, pendingDropped: 0 };
  const seen = new Set<string>();
  const output: DatasetRecord[] = [];
  for (const record of records) {
    const id = reviewItemId(record);
    seen.add(id);
    const decision = byId.get(id);
    if (!decision) {
      counts.pending += 1;
      if (keepPending) output.push(record);
      else counts.pendingDropped += 1;
      continue;
    }
    if (decision.action === 'reject') counts.rejected += 1;
    else if (decision.action === 'accept') {
      counts.accepted += 1;
      output.push(record);
    } else {
      counts.edited += 1;
      output.push(applyEdit(record, decision.edited ?? {}));
    }
  }
  return { records: output, counts, unmatched: [...byId.keys()].filter((id) => !seen.has(id)) };
}

function applyEdit(record: DatasetRecord, edited: { instruction?: string; output?: string }): DatasetRecord {
  const turns: DatasetTurn[] = record.turns.map((turn) => ({ ...turn }));
  const firstUser = turns.findIndex((turn) => turn.role === 'user');
  const lastAssistant = turns.map((turn) => turn.role).lastIndexOf('assistant');
  if (edited.instruction !== undefined && firstUser >= 0) turns[firstUser]!.content = edited.instruction;
  if (edited.output !== undefined && lastAssistant >= 0) turns[lastAssistant]!.content = edited.output;
  return { ...record, turns, ...(record.raw ? { raw: editRaw(record.raw, edited, firstUser, lastAssistant) } : {}) };
}

/** The same edit in the line as read: OpenAI `messages`, sharegpt `conversations`, or alpaca fields. */
function editRaw(raw: Record<string, unknown>, edited: { instruction?: string; output?: string }, firstUser: number, lastAssistant: number): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...raw };
  const listKey = Array.isArray(raw.messages) ? 'messages' : Array.isArray(raw.conversations) ? 'conversations' : undefined;
  if (listKey) {
    // Turn indexes match the list when it has no system entry first; recompute from roles to be safe.
    const list = (raw[listKey] as Array<Record<string, unknown>>).map((entry) => ({ ...entry }));
    const contentKey = listKey === 'messages' ? 'content' : 'value';
    const roleOf = (entry: Record<string, unknown>): unknown => entry.role ?? entry.from;
    const userIndex = list.findIndex((entry) => roleOf(entry) === 'user' || roleOf(entry) === 'human');
    const assistantIndex = list.map(roleOf).map((role) => role === 'assistant' || role === 'gpt').lastIndexOf(true);
    if (edited.instruction !== undefined && userIndex >= 0 && firstUser >= 0) list[userIndex]![contentKey] = edited.instruction;
    if (edited.output !== undefined && assistantIndex >= 0 && lastAssistant >= 0) list[assistantIndex]![contentKey] = edited.output;
    copy[listKey] = list;
  } else {
    if (edited.instruction !== undefined && 'instruction' in raw) copy.instruction = edited.instruction;
    if (edited.output !== undefined && 'output' in raw) copy.output = edited.output;
  }
  return copy;
}
