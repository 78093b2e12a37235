import { readFileSync } from 'node:fs';
import { HangjiaError } from '../errors/index.js';
import type { Example } from './example.js';
import { parseJsonLine } from './_parse-json-line.js';

/** Options for {@link readExamplePool}. */
export interface ReadExamplePoolOptions {
  /** Field holding the example's input (`question`, `prompt`, `instruction`…). Default `input`. */
  inputField?: string;
  /** Field holding the expected answer (`answer`, `completion`…). Default `output`. */
  outputField?: string;
  /**
   * Field holding a unique id (strings or numbers). Default `id`; lines without it are named
   * `line-<n>` after their 1-based line number.
   */
  idField?: string;
  /**
   * What to do with a line that cannot be used: `throw` an `E_DATASET` error naming the path and
   * line (the default: a pool with broken lines is usually a broken export), or `skip` it and
   * report it in {@link ExamplePoolFile.skipped}.
   */
  onMalformed?: 'throw' | 'skip';
}

/** Why a line was not turned into an example. */
export type MalformedLineReason = 'invalid-json' | 'not-an-object' | 'missing-input' | 'missing-output' | 'invalid-id' | 'duplicate-id';

/** A line skipped under `onMalformed: 'skip'`, with what was wrong. */
export interface MalformedLine {
  path: string;
  /** 1-based line number. */
  line: number;
  reason: MalformedLineReason;
  message: string;
}

/** What {@link readExamplePool} read: the examples in file order, and every line it skipped. */
export interface ExamplePoolFile {
  examples: Example[];
  skipped: MalformedLine[];
}

/**
 * Reads a pool of solved examples from JSONL, one object per line:
 * `{"id": "7", "input": "试用期最长多久？", "output": "不得超过六个月。", "label": "劳动"}`.
 * The input and output must be non-empty strings; every other field goes to `metadata`. Blank
 * lines are ignored; Python's bare `NaN` and `Infinity` are read as `null`. A missing or unreadable file throws `E_DATASET`; malformed lines throw
 * `E_DATASET` with `details: { path, line, reason }`, or are skipped and reported (see
 * {@link ReadExamplePoolOptions.onMalformed}).
 *
 * @example
 * const { examples } = readExamplePool('qa_pool.jsonl', { inputField: 'question', outputField: 'answer' });
 */
export function readExamplePool(path: string, options: ReadExamplePoolOptions = {}): ExamplePoolFile {
  const inputField = options.inputField ?? 'input';
  const outputField = options.outputField ?? 'output';
  const idField = options.idField ?? 'id';
  const onMalformed = options.onMalformed ?? 'throw';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HangjiaError('E_DATASET', `Cannot read example pool ${path}: ${(error as Error).message}. Check the path.`, {
      details: { path },
      cause: error,
    });
  }
  const examples: Example[] = [];
  const skipped: MalformedLine[] = [];
  const seenIds = new Set<string>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const content = (lines[index] ?? '').trim();
    if (content === '') continue;
    const line = index + 1;
    const reject = (reason: MalformedLineReason, message: string, cause?: unknown): void => {
      const located = `${path}:${line}: ${message}`;
      if (onMalformed === 'throw') {
        throw new HangjiaError('E_DATASET', `${located} Fix the line, or pass onMalformed: 'skip' to leave it out.`, {
          details: { path, line, reason },
          cause,
        });
      }
      skipped.push({ path, line, reason, message: located });
    };
    let value: unknown;
    try {
      value = parseJsonLine(content);
    } catch (error) {
      reject('invalid-json', `expected one JSON object per line, found invalid JSON (${(error as Error).message}).`, error);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      reject('not-an-object', `expected a JSON object, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`);
      continue;
    }
    const record = value as Record<string, unknown>;
    const input = record[inputField];
    if (typeof input !== 'string' || input.trim() === '') {
      reject('missing-input', `expected a non-empty string field "${inputField}" (the example's input), found ${describe(input)}.`);
      continue;
    }
    const output = record[outputField];
    if (typeof output !== 'string' || output.trim() === '') {
      reject('missing-output', `expected a non-empty string field "${outputField}" (the example's output), found ${describe(output)}.`);
      continue;
    }
    const rawId = record[idField];
    if (rawId !== undefined && typeof rawId !== 'string' && !(typeof rawId === 'number' && Number.isFinite(rawId))) {
      reject('invalid-id', `expected field "${idField}" to be a string or number, found ${describe(rawId)}.`);
      continue;
    }
    const id = rawId === undefined ? `line-${line}` : String(rawId);
    if (seenIds.has(id)) {
      reject('duplicate-id', `id "${id}" was already used by an earlier line; ids must be unique within a pool.`);
      continue;
    }
    seenIds.add(id);
    const metadata: Record<string, unknown> = {};
    for (const [field, fieldValue] of Object.entries(record)) {
      if (field !== inputField && field !== outputField && field !== idField) metadata[field] = fieldValue;
    }
    examples.push({ id, input, output, metadata });
  }
  return { examples, skipped };
}

function describe(value: unknown): string {
  if (value === undefined) return 'none';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
}
