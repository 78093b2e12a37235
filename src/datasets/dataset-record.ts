/** The input layouts hangjia reads and writes; see read-dataset.ts for how each maps to turns. */
export type DatasetFormat = 'alpaca' | 'sharegpt' | 'openai' | 'text';

export const DATASET_FORMATS: readonly DatasetFormat[] = ['alpaca', 'sharegpt', 'openai', 'text'];

/** Roles after normalisation: sharegpt `human`/`gpt` and OpenAI `user`/`assistant` both map here. */
export type TurnRole = 'system' | 'user' | 'assistant';

export interface DatasetTurn {
  role: TurnRole;
  content: string;
}

/**
 * One training example in hangjia's internal form, whatever layout it was read from.
 *
 * `kind: 'text'` is pre-training text (one user-less turn is not invented: `text` holds it and
 * `turns` is empty); `kind: 'instruction'` has turns. `source` names the file and 1-based line so
 * every reject, warning and validation message can point back at the input.
 */
export interface DatasetRecord {
  /** Stable within a run: `<file basename>:<line>`. */
  id: string;
  kind: 'text' | 'instruction';
  format: DatasetFormat;
  turns: DatasetTurn[];
  /** Pre-training text (kind `text`); empty for instructions. */
  text: string;
  source: { path: string; line: number };
  /** The object as read, so a cleaned file keeps every original field; absent for records built in code. */
  raw?: Record<string, unknown>;
}

/** The whole text of a record, as dedup, filters and token counting see it: turns joined by newlines. */
export function recordText(record: DatasetRecord): string {
  if (record.kind === 'text') return record.text;
  return record.turns.map((turn) => turn.content).join('\n');
}

/** The assistant side only (what a model learns to say); refusal filters look here. */
export function responseText(record: DatasetRecord): string {
  if (record.kind === 'text') return record.text;
  return record.turns
    .filter((turn) => turn.role === 'assistant')
    .map((turn) => turn.content)
    .join('\n');
}
