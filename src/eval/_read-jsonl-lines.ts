import { readFileSync } from 'node:fs';
import { HangjiaError } from '../errors/index.js';

/** One parsed JSON line and the 1-based line number it came from (for error messages). */
export interface JsonLine {
  value: Record<string, unknown>;
  line: number;
}

/**
 * Reads a text file, throwing `E_DATASET` with the path when it is missing or unreadable.
 * Private to `eval/`.
 */
export function readDatasetFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new HangjiaError('E_DATASET', `Cannot read dataset file ${path}: ${(error as Error).message}. Check the path, or pass it explicitly.`, {
      details: { path },
      cause: error,
    });
  }
}

/**
 * Parses a JSONL file into objects, skipping blank lines. A line that is not a JSON object throws
 * `E_DATASET` naming the path and the 1-based line number.
 */
export function readJsonLines(path: string): JsonLine[] {
  const lines = readDatasetFile(path).split('\n');
  const parsed: JsonLine[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const text = (lines[index] ?? '').trim();
    if (text === '') continue;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new HangjiaError('E_DATASET', `${path}:${line}: expected one JSON object per line, found invalid JSON (${(error as Error).message}).`, {
        details: { path, line },
        cause: error,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new HangjiaError('E_DATASET', `${path}:${line}: expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}.`, {
        details: { path, line },
      });
    }
    parsed.push({ value: value as Record<string, unknown>, line });
  }
  return parsed;
}

/**
 * Reads a field that must be a string (numbers are accepted and stringified: BEIR ids are
 * sometimes written as numbers). Throws `E_DATASET` with path and line otherwise.
 */
export function requireStringField(entry: JsonLine, field: string, path: string, options: { optional?: boolean } = {}): string {
  const value = entry.value[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === undefined && options.optional === true) return '';
  throw new HangjiaError('E_DATASET', `${path}:${entry.line}: expected a string field "${field}", found ${value === undefined ? 'none' : JSON.stringify(value)}.`, {
    details: { path, line: entry.line, field },
  });
}
