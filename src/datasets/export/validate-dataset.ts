/**
 * Checks a file the way LLaMA-Factory will read it, reporting what it would silently skip or fail
 * on, with line numbers. The rules come from its converter.py and processor code:
 *
 * - The file is loaded with Hugging Face `datasets` (json): one bad line fails the whole load, and
 *   a column named in dataset_info.json that no row has raises KeyError.
 * - sharegpt/openai: a leading system message is taken as the system prompt; the rest must go
 *   user (human/observation) at odd positions and assistant (gpt/function_call) at even ones, or
 *   "Invalid role tag … Skipping this abnormal example"; an odd count is "Invalid message count"
 *   and skipped too. Unknown roles are invalid role tags.
 * - alpaca: a non-string `output` makes the response empty and supervised preprocessing drops the
 *   example ("Dropped invalid example"); `history` must be [prompt, response] pairs.
 * - Empty contents load but teach nothing (or teach an empty answer): warnings.
 * - `formatting` must be alpaca or sharegpt (openai only in recent releases).
 */
import fs from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../../errors/index.js';
import type { DatasetFormat } from '../dataset-record.js';
import { detectFormat } from '../read-dataset.js';

export interface ValidationIssue {
  /** 1-based line, or 0 for file-level issues (dataset_info.json, missing columns). */
  line: number;
  /** `error`: LLaMA-Factory fails on the file; `skipped`: it drops this example; `warning`: loads but is probably wrong. */
  severity: 'error' | 'skipped' | 'warning';
  message: string;
}

export interface ValidationResult {
  path: string;
  format: DatasetFormat;
  lines: number;
  /** Examples LLaMA-Factory would train on. */
  usable: number;
  issues: ValidationIssue[];
  counts: { error: number; skipped: number; warning: number };
}

export interface ValidateOptions {
  /** Layout to check against (default: detected, or taken from the dataset_info.json entry). */
  format?: DatasetFormat;
  /** A dataset_info.json to check the file's entry in (default: one beside the file, if present). */
  datasetInfo?: string;
}

const KNOWN_FORMATTINGS = new Set(['alpaca', 'sharegpt']);

interface Tags {
  messages: string;
  role: string;
  content: string;
  user: string[];
  assistant: string[];
  system: string;
}

const SHAREGPT_TAGS: Tags = { messages: 'conversations', role: 'from', content: 'value', user: ['human', 'observation'], assistant: ['gpt', 'function_call'], system: 'system' };
const OPENAI_TAGS: Tags = { messages: 'messages', role: 'role', content: 'content', user: ['user', 'tool', 'observation'], assistant: ['assistant', 'function_call'], system: 'system' };

/**
 * Validates a dataset file for LLaMA-Factory.
 *
 * @example
 * const { issues, usable } = validateDatasetFile('data/law_sft.jsonl');
 */
export function validateDatasetFile(file: string, options: ValidateOptions = {}): ValidationResult {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read ${file}: ${(cause as Error).message}`, { details: { path: file }, cause });
  }
  const issues: ValidationIssue[] = [];
  const rows: { line: number; value: unknown }[] = [];
  const trimmed = content.trimStart();
  let parsedArray = false;
  if (trimmed.startsWith('[')) {
    try {
      const array = JSON.parse(content) as unknown;
      if (Array.isArray(array)) {
        array.forEach((value, index) => rows.push({ line: index + 1, value }));
        parsedArray = true;
      }
    } catch {
      // read as JSON Lines below
    }
  }
  if (!parsedArray) {
    content.split('\n').forEach((text, index) => {
      if (text.trim() === '') return;
      try {
        rows.push({ line: index + 1, value: JSON.parse(text) as unknown });
      } catch (error) {
        issues.push({ line: index + 1, severity: 'error', message: `not valid JSON (${(error as Error).message}); the json loader fails on the whole file` });
      }
    });
  }

  const entry = findDatasetInfoEntry(file, options.datasetInfo, issues);
  let format = options.format;
  let tags: Tags | undefined;
  let alpacaColumns = { prompt: 'instruction', query: 'input', response: 'output', history: 'history' };
  if (entry && !format) {
    const formatting = typeof entry.formatting === 'string' ? entry.formatting : 'alpaca';
    const columns = (entry.columns ?? {}) as Record<string, string>;
    if (formatting === 'alpaca') {
      format = columns.prompt === 'text' && columns.response === undefined ? 'text' : 'alpaca';
      alpacaColumns = { prompt: columns.prompt ?? 'instruction', query: columns.query ?? '', response: columns.response ?? '', history: columns.history ?? '' };
      if (!entry.columns) alpacaColumns = { prompt: 'instruction', query: 'input', response: 'output', history: '' };
    } else if (formatting === 'sharegpt' || formatting === 'openai') {
      const entryTags = (entry.tags ?? {}) as Record<string, string>;
      const base = formatting === 'openai' ? OPENAI_TAGS : SHAREGPT_TAGS;
      tags = entry.tags
        ? { messages: columns.messages ?? base.messages, role: entryTags.role_tag ?? base.role, content: entryTags.content_tag ?? base.content, user: [entryTags.user_tag ?? '', entryTags.observation_tag ?? 'observation'], assistant: [entryTags.assistant_tag ?? '', entryTags.function_tag ?? 'function_call'], system: entryTags.system_tag ?? '' }
        : { ...base, messages: columns.messages ?? base.messages };
      format = tags.role === 'role' ? 'openai' : 'sharegpt';
    }
  }
  format ??= detectFormat(rows.slice(0, 50).map((row) => row.value)) ?? 'alpaca';
  if (!tags && (format === 'sharegpt' || format === 'openai')) tags = format === 'openai' ? OPENAI_TAGS : SHAREGPT_TAGS;

  let usable = 0;
  const seenKeys = new Set<string>();
  for (const row of rows) {
    if (typeof row.value !== 'object' || row.value === null || Array.isArray(row.value)) {
      issues.push({ line: row.line, severity: 'error', message: 'not a JSON object; the json loader needs one object per line' });
      continue;
    }
    const value = row.value as Record<string, unknown>;
    for (const key of Object.keys(value)) seenKeys.add(key);
    const before = issues.filter((issue) => issue.severity !== 'warning').length;
    if (format === 'text') checkText(value, row.line, issues);
    else if (format === 'alpaca') checkAlpaca(value, row.line, alpacaColumns, issues);
    else checkMessages(value, row.line, tags!, issues);
    if (issues.filter((issue) => issue.severity !== 'warning').length === before) usable += 1;
  }

  const required = format === 'text' ? ['text'] : format === 'alpaca' ? [alpacaColumns.prompt, alpacaColumns.response].filter(Boolean) : [tags!.messages];
  for (const column of required) {
    if (rows.length > 0 && !seenKeys.has(column)) issues.push({ line: 0, severity: 'error', message: `no row has the column "${column}"; LLaMA-Factory raises KeyError` });
  }
  issues.sort((left, right) => left.line - right.line);
  const counts = { error: 0, skipped: 0, warning: 0 };
  for (const issue of issues) counts[issue.severity] += 1;
  return { path: file, format, lines: rows.length, usable, issues, counts };
}

function findDatasetInfoEntry(file: string, datasetInfo: string | undefined, issues: ValidationIssue[]): Record<string, unknown> | undefined {
  const infoFile = datasetInfo ?? path.join(path.dirname(file), 'dataset_info.json');
  if (!fs.existsSync(infoFile)) {
    if (datasetInfo) throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot find ${datasetInfo}.`, { details: { path: datasetInfo } });
    return undefined;
  }
  let info: Record<string, Record<string, unknown>>;
  try {
    info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Record<string, Record<string, unknown>>;
  } catch (error) {
    issues.push({ line: 0, severity: 'error', message: `${infoFile} is not valid JSON (${(error as Error).message})` });
    return undefined;
  }
  const base = path.basename(file);
  const match = Object.entries(info).find(([, entry]) => typeof entry === 'object' && entry !== null && entry.file_name === base);
  if (!match) {
    issues.push({ line: 0, severity: 'warning', message: `${infoFile} has no entry with file_name "${base}"; LLaMA-Factory cannot load it by name` });
    return undefined;
  }
  const [name, entry] = match;
  const formatting = entry.formatting;
  if (formatting !== undefined && !KNOWN_FORMATTINGS.has(String(formatting))) {
    issues.push({
      line: 0,
      severity: formatting === 'openai' ? 'warning' : 'error',
      message:
        formatting === 'openai'
          ? `dataset_info entry "${name}" uses formatting "openai", which only recent LLaMA-Factory releases know; "sharegpt" with role/content tags works everywhere`
          : `dataset_info entry "${name}" has unknown formatting "${String(formatting)}"; expected alpaca or sharegpt`,
    });
  }
  return entry;
}

function isEmpty(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

function checkText(value: Record<string, unknown>, line: number, issues: ValidationIssue[]): void {
  if (typeof value.text !== 'string') issues.push({ line, severity: 'skipped', message: '"text" is missing or not a string' });
  else if (value.text.trim() === '') issues.push({ line, severity: 'warning', message: '"text" is empty' });
}

function checkAlpaca(value: Record<string, unknown>, line: number, columns: { prompt: string; query: string; response: string; history: string }, issues: ValidationIssue[]): void {
  if (columns.response && typeof value[columns.response] !== 'string') {
    issues.push({ line, severity: 'skipped', message: `"${columns.response}" is missing or not a string; the example has no response and supervised training drops it` });
    return;
  }
  const prompt = value[columns.prompt];
  if (prompt !== undefined && prompt !== null && typeof prompt !== 'string') issues.push({ line, severity: 'error', message: `"${columns.prompt}" must be a string` });
  if (isEmpty(prompt) && (!columns.query || isEmpty(value[columns.query]))) issues.push({ line, severity: 'warning', message: `"${columns.prompt}" and "${columns.query || 'input'}" are both empty: the prompt is empty` });
  if (columns.response && isEmpty(value[columns.response])) issues.push({ line, severity: 'warning', message: `"${columns.response}" is empty: the model learns to answer nothing` });
  if (columns.history && value[columns.history] !== undefined && value[columns.history] !== null) {
    const history = value[columns.history];
    if (!Array.isArray(history) || history.some((pair) => !Array.isArray(pair) || pair.length !== 2 || pair.some((text) => typeof text !== 'string'))) {
      issues.push({ line, severity: 'error', message: `"${columns.history}" must be a list of [prompt, response] string pairs; the converter fails on anything else` });
    }
  }
}

function checkMessages(value: Record<string, unknown>, line: number, tags: Tags, issues: ValidationIssue[]): void {
  const messages = value[tags.messages];
  if (!Array.isArray(messages)) {
    issues.push({ line, severity: 'skipped', message: `"${tags.messages}" is missing or not a list` });
    return;
  }
  let dialogue = messages;
  const first = messages[0] as Record<string, unknown> | undefined;
  if (tags.system && first && typeof first === 'object' && first[tags.role] === tags.system) dialogue = messages.slice(1);
  for (const [index, message] of dialogue.entries()) {
    const position = messages.length - dialogue.length + index;
    if (typeof message !== 'object' || message === null) {
      issues.push({ line, severity: 'skipped', message: `${tags.messages}[${position}] is not an object` });
      return;
    }
    const role = (message as Record<string, unknown>)[tags.role];
    const expected = index % 2 === 0 ? tags.user : tags.assistant;
    if (!expected.includes(String(role))) {
      const why = role === tags.system ? 'a system message is only allowed first' : `expected ${expected.filter(Boolean).join(' or ')} (roles alternate ${tags.user[0]}/${tags.assistant[0]}, starting with ${tags.user[0]})`;
      issues.push({ line, severity: 'skipped', message: `${tags.messages}[${position}].${tags.role} is "${String(role)}": ${why}; LLaMA-Factory logs "Invalid role tag" and skips the example` });
      return;
    }
  }
  if (dialogue.length === 0 || dialogue.length % 2 !== 0) {
    issues.push({ line, severity: 'skipped', message: `${dialogue.length} messages after the system message; an even, non-zero count (${tags.user[0]}/${tags.assistant[0]} pairs) is needed, else "Invalid message count" and the example is skipped` });
    return;
  }
  for (const [index, message] of messages.entries()) {
    if (isEmpty((message as Record<string, unknown>)[tags.content])) issues.push({ line, severity: 'warning', message: `${tags.messages}[${index}].${tags.content} is empty` });
  }
}
