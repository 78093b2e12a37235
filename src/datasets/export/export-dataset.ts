/**
 * Writes records in the layouts LLaMA-Factory reads, plus the `dataset_info.json` entry that tells
 * it how (https://github.com/hiyouga/LLaMA-Factory/blob/main/data/README.md;
 * src/llamafactory/data/parser.py and converter.py):
 *
 * - `alpaca`: `{instruction, input, output, system?, history?}`; formatting defaults to alpaca and
 *   the columns are the documented prompt/query/response/system/history names. Multi-turn records
 *   put earlier turns in `history` as [instruction, response] pairs.
 * - `sharegpt`: `{conversations: [{from, value}]}` with human/gpt and an optional leading system
 *   message; formatting `sharegpt`, columns.messages `conversations`, tags from/value/human/gpt/system.
 * - `openai`: `{messages: [{role, content}]}`; LLaMA-Factory reads it as formatting `sharegpt` with
 *   tags role/content/user/assistant/system (the data README's "OpenAI format"), which every
 *   release accepts — the newer `openai` formatting name is not known to older ones.
 * - `text`: `{text}` for pre-training; columns `{prompt: "text"}` as the README documents.
 *
 * LLaMA-Factory sets every column or tag left out of a `columns`/`tags` object to None
 * (`set_attr(..., default=None)`), so entries here spell out every one they rely on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../../errors/index.js';
import { recordText, type DatasetRecord, type DatasetTurn } from '../dataset-record.js';
import { toJsonLines, writeFileAtomic } from '../_atomic-write.js';

export type ExportLayout = 'alpaca' | 'sharegpt' | 'openai' | 'text';
export const EXPORT_LAYOUTS: readonly ExportLayout[] = ['alpaca', 'sharegpt', 'openai', 'text'];

/** One dataset's entry in LLaMA-Factory's dataset_info.json. */
export interface DatasetInfoEntry {
  file_name: string;
  formatting?: 'alpaca' | 'sharegpt';
  columns: Record<string, string>;
  tags?: Record<string, string>;
}

/** The dataset_info.json entry for a file in `layout`. */
export function datasetInfoEntry(layout: ExportLayout, fileName: string): DatasetInfoEntry {
  switch (layout) {
    case 'alpaca':
      return { file_name: fileName, formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system', history: 'history' } };
    case 'sharegpt':
      return {
        file_name: fileName,
        formatting: 'sharegpt',
        columns: { messages: 'conversations' },
        tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt', system_tag: 'system' },
      };
    case 'openai':
      return {
        file_name: fileName,
        formatting: 'sharegpt',
        columns: { messages: 'messages' },
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
      };
    case 'text':
      return { file_name: fileName, columns: { prompt: 'text' } };
  }
}

/**
 * One record as a line of `layout`, or a string saying why it cannot be: instruction layouts need
 * an optional system turn, then user/assistant alternating, ending with the assistant (what
 * LLaMA-Factory trains on). `text` accepts anything (instruction turns are joined by newlines).
 */
export function formatRecord(record: DatasetRecord, layout: ExportLayout): Record<string, unknown> | string {
  if (layout === 'text') return { text: recordText(record) };
  if (record.kind === 'text') return `pre-training text cannot be written as ${layout}; export it as text`;
  const system = record.turns[0]?.role === 'system' ? record.turns[0].content : undefined;
  const dialogue = system === undefined ? record.turns : record.turns.slice(1);
  const problem = dialogueProblem(dialogue);
  if (problem) return problem;
  switch (layout) {
    case 'alpaca': {
      const history: [string, string][] = [];
      for (let index = 0; index + 2 < dialogue.length; index += 2) history.push([dialogue[index]!.content, dialogue[index + 1]!.content]);
      return {
        instruction: dialogue[dialogue.length - 2]!.content,
        input: '',
        output: dialogue[dialogue.length - 1]!.content,
        ...(system === undefined ? {} : { system }),
        ...(history.length ? { history } : {}),
      };
    }
    case 'sharegpt':
      return {
        conversations: [
          ...(system === undefined ? [] : [{ from: 'system', value: system }]),
          ...dialogue.map((turn) => ({ from: turn.role === 'user' ? 'human' : 'gpt', value: turn.content })),
        ],
      };
    case 'openai':
      return { messages: [...(system === undefined ? [] : [{ role: 'system', content: system }]), ...dialogue.map((turn) => ({ role: turn.role, content: turn.content }))] };
  }
}

function dialogueProblem(dialogue: DatasetTurn[]): string | undefined {
  if (dialogue.length === 0) return 'no user/assistant turns';
  if (dialogue.length % 2 !== 0) return `${dialogue.length} turns after the system turn; expected user/assistant pairs (an even count)`;
  for (const [index, turn] of dialogue.entries()) {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected) return `turn ${index + 1} is ${turn.role}; expected ${expected} (turns must alternate user, assistant, starting with user)`;
  }
  return undefined;
}

export interface ExportOptions {
  layout: ExportLayout;
  /** Directory to write into (LLaMA-Factory's `dataset_dir`). */
  directory: string;
  /** Dataset name in dataset_info.json; also the file name `<name>.jsonl`. Letters, digits, `_`, `-`, `.`. */
  name: string;
}

export interface ExportResult {
  file: string;
  datasetInfoFile: string;
  entry: DatasetInfoEntry;
  written: number;
  skipped: { id: string; source: DatasetRecord['source']; reason: string }[];
}

/**
 * Writes `<directory>/<name>.jsonl` and adds (or replaces) `name` in `<directory>/dataset_info.json`,
 * keeping the other entries; both writes are atomic. Records that do not fit the layout are skipped
 * and listed with their reason.
 *
 * @example
 * exportDataset(records, { layout: 'sharegpt', directory: 'LLaMA-Factory/data', name: 'law_sft' });
 * // then in LLaMA-Factory: dataset: law_sft
 */
export function exportDataset(records: readonly DatasetRecord[], options: ExportOptions): ExportResult {
  if (!/^[\w.-]+$/u.test(options.name)) {
    throw new HangjiaError('E_USAGE', `A dataset name may hold letters, digits, "_", "-" and "."; got "${options.name}".`, { details: { setting: 'name', value: options.name } });
  }
  const lines: Record<string, unknown>[] = [];
  const skipped: ExportResult['skipped'] = [];
  for (const record of records) {
    const formatted = formatRecord(record, options.layout);
    if (typeof formatted === 'string') skipped.push({ id: record.id, source: record.source, reason: formatted });
    else lines.push(formatted);
  }
  const fileName = `${options.name}.jsonl`;
  const file = path.join(options.directory, fileName);
  writeFileAtomic(file, toJsonLines(lines));
  const datasetInfoFile = path.join(options.directory, 'dataset_info.json');
  let info: Record<string, unknown> = {};
  if (fs.existsSync(datasetInfoFile)) {
    try {
      info = JSON.parse(fs.readFileSync(datasetInfoFile, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new HangjiaError('E_DATASET', `${datasetInfoFile} is not valid JSON; fix or remove it before exporting into ${options.directory}.`, { details: { path: datasetInfoFile }, cause });
    }
  }
  const entry = datasetInfoEntry(options.layout, fileName);
  info[options.name] = entry;
  writeFileAtomic(datasetInfoFile, `${JSON.stringify(info, null, 2)}\n`);
  return { file, datasetInfoFile, entry, written: lines.length, skipped };
}
