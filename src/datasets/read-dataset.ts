import fs from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../errors/index.js';
import { DATASET_FORMATS, type DatasetFormat, type DatasetRecord, type DatasetTurn, type TurnRole } from './dataset-record.js';

/** A line that could not be read; the rest of the file is still processed. */
export interface DatasetProblem {
  path: string;
  /** 1-based line (for a `.json` array file: the 1-based item number). */
  line: number;
  message: string;
}

export interface ReadDatasetOptions {
  /** Force a layout instead of detecting it from the first objects (default: detect). */
  format?: DatasetFormat;
}

export interface ReadDatasetResult {
  path: string;
  format: DatasetFormat;
  /** Whether `format` was detected rather than forced. */
  detected: boolean;
  records: DatasetRecord[];
  problems: DatasetProblem[];
}

/** How many leading objects detection looks at; a file mixing layouts further down shows up as per-line problems. */
const DETECTION_SAMPLE = 50;

/**
 * Reads a dataset file: JSON Lines (one object per line) or a `.json` array, in any of the four
 * layouts below, detected per file from the keys of its first objects (or forced with `format`).
 *
 * | layout   | keys                                   | turns                                              |
 * |----------|----------------------------------------|----------------------------------------------------|
 * | alpaca   | instruction, input?, output, system?, history? | system?, history pairs, user = instruction + "\n" + input (LLaMA-Factory's join), assistant = output |
 * | sharegpt | conversations: [{from, value}]         | from human/user → user, gpt/assistant → assistant, system → system |
 * | openai   | messages: [{role, content}]            | role user/assistant/system                         |
 * | text     | text                                   | none; `record.text` (pre-training)                 |
 *
 * Malformed lines (bad JSON, wrong shapes, unknown roles) become `problems` with their line numbers;
 * blank lines are ignored. Throws `E_DATASET` (naming the file) when it cannot be read or no layout fits.
 *
 * @example
 * const { records, problems } = readDatasetFile('sft.jsonl');
 */
export function readDatasetFile(file: string, options: ReadDatasetOptions = {}): ReadDatasetResult {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read dataset file ${file}: ${(cause as Error).message}`, { details: { path: file }, cause });
  }
  return parseDataset(content, file, options);
}

/** Parses dataset text already in memory; `file` is used for ids and messages. See {@link readDatasetFile}. */
export function parseDataset(content: string, file: string, options: ReadDatasetOptions = {}): ReadDatasetResult {
  const problems: DatasetProblem[] = [];
  const items = splitItems(content, file, problems);
  let format = options.format;
  const detected = format === undefined;
  if (format === undefined) {
    format = detectFormat(items.slice(0, DETECTION_SAMPLE).map((item) => item.value));
    if (format === undefined) {
      if (items.length === 0 && problems.length === 0) format = 'text';
      else {
        const keys = [...new Set(items.slice(0, DETECTION_SAMPLE).flatMap((item) => (isObject(item.value) ? Object.keys(item.value) : [])))];
        throw new HangjiaError(
          'E_DATASET',
          `Cannot tell the layout of ${file}: expected objects with "instruction"/"output" (alpaca), "conversations" (sharegpt), "messages" (openai) or "text"; found keys ${keys.length ? keys.map((key) => `"${key}"`).join(', ') : '(none)'}. Pass --format to force one of ${DATASET_FORMATS.join(', ')}.`,
          { details: { path: file, keys } },
        );
      }
    }
  }
  const base = path.basename(file);
  const records: DatasetRecord[] = [];
  for (const item of items) {
    const converted = toRecord(item.value, format);
    if (typeof converted === 'string') {
      problems.push({ path: file, line: item.line, message: converted });
      continue;
    }
    records.push({ id: `${base}:${item.line}`, kind: format === 'text' ? 'text' : 'instruction', format, turns: converted.turns, text: converted.text, source: { path: file, line: item.line }, raw: item.value as Record<string, unknown> });
  }
  problems.sort((left, right) => left.line - right.line);
  return { path: file, format, detected, records, problems };
}

interface Item {
  line: number;
  value: unknown;
}

function splitItems(content: string, file: string, problems: DatasetProblem[]): Item[] {
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  if (text.trimStart().startsWith('[')) {
    try {
      const array = JSON.parse(text) as unknown;
      if (Array.isArray(array)) return array.map((value, index) => ({ line: index + 1, value }));
    } catch {
      // Not one JSON array: fall through and read it as JSON Lines (a line may start with "[").
    }
  }
  const items: Item[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    try {
      items.push({ line: index + 1, value: JSON.parse(line) as unknown });
    } catch (error) {
      problems.push({ path: file, line: index + 1, message: `not valid JSON (${(error as Error).message})` });
    }
  }
  return items;
}

/** Picks the layout most of the sampled objects match; ties resolve in the order of the checks. */
export function detectFormat(values: unknown[]): DatasetFormat | undefined {
  const votes = new Map<DatasetFormat, number>();
  for (const value of values) {
    if (!isObject(value)) continue;
    const format = Array.isArray(value.conversations)
      ? 'sharegpt'
      : Array.isArray(value.messages)
        ? 'openai'
        : 'instruction' in value || 'output' in value
          ? 'alpaca'
          : typeof value.text === 'string'
            ? 'text'
            : undefined;
    if (format) votes.set(format, (votes.get(format) ?? 0) + 1);
  }
  let best: DatasetFormat | undefined;
  for (const [format, count] of votes) if (best === undefined || count > votes.get(best)!) best = format;
  return best;
}

const SHAREGPT_ROLES: Record<string, TurnRole> = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system' };
const OPENAI_ROLES: Record<string, TurnRole> = { user: 'user', assistant: 'assistant', system: 'system' };

function toRecord(value: unknown, format: DatasetFormat): { turns: DatasetTurn[]; text: string } | string {
  if (!isObject(value)) return `expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`;
  switch (format) {
    case 'text':
      return typeof value.text === 'string' ? { turns: [], text: value.text } : 'missing string field "text"';
    case 'alpaca': {
      if (typeof value.instruction !== 'string') return 'missing string field "instruction"';
      if (typeof value.output !== 'string') return 'missing string field "output"';
      if (value.input !== undefined && value.input !== null && typeof value.input !== 'string') return '"input" must be a string';
      const turns: DatasetTurn[] = [];
      if (typeof value.system === 'string' && value.system !== '') turns.push({ role: 'system', content: value.system });
      if (value.history !== undefined && value.history !== null) {
        if (!Array.isArray(value.history)) return '"history" must be an array of [instruction, response] pairs';
        for (const pair of value.history) {
          if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return '"history" must be an array of [instruction, response] string pairs';
          turns.push({ role: 'user', content: pair[0] }, { role: 'assistant', content: pair[1] });
        }
      }
      const input = typeof value.input === 'string' ? value.input : '';
      turns.push({ role: 'user', content: [value.instruction, input].filter(Boolean).join('\n') }, { role: 'assistant', content: value.output });
      return { turns, text: '' };
    }
    case 'sharegpt':
    case 'openai': {
      const key = format === 'sharegpt' ? 'conversations' : 'messages';
      const [roleKey, contentKey] = format === 'sharegpt' ? ['from', 'value'] : ['role', 'content'];
      const roles = format === 'sharegpt' ? SHAREGPT_ROLES : OPENAI_ROLES;
      const list = value[key];
      if (!Array.isArray(list)) return `missing array field "${key}"`;
      const turns: DatasetTurn[] = [];
      for (const [index, message] of list.entries()) {
        if (!isObject(message)) return `${key}[${index}] is not an object`;
        const role = roles[String(message[roleKey])];
        if (role === undefined) return `${key}[${index}].${roleKey} is "${String(message[roleKey])}"; expected one of ${Object.keys(roles).join(', ')}`;
        if (typeof message[contentKey] !== 'string') return `${key}[${index}].${contentKey} must be a string`;
        turns.push({ role, content: message[contentKey] as string });
      }
      return { turns, text: '' };
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
