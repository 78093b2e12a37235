import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../errors/index.js';

/**
 * A resumable run directory (`run.json` + one JSONL of records + `summary.json`), generic over
 * config and record types: the exam runner, RAG evaluation and pairwise comparison all keep their
 * runs this way. Private to `eval/`.
 */
export const RUN_CONFIG_FILE = 'run.json';
export const SUMMARY_FILE = 'summary.json';

/**
 * Opens (creating) `directory`: writes `run.json` for a new run, or checks that the existing one
 * agrees with `config` on every key in `compared` (else `E_USAGE` naming the setting, down to the
 * nested key that differs, e.g. `answering.evidenceThreshold`). Returns the records of
 * `recordsFile`; a last line cut short by a crash is truncated away and counted.
 */
export function openGenericRunDirectory<C extends object, R>(
  directory: string,
  config: C,
  compared: readonly (keyof C)[],
  recordsFile: string,
): { config: C; records: R[]; truncatedLines: number } {
  mkdirSync(directory, { recursive: true });
  const configPath = path.join(directory, RUN_CONFIG_FILE);
  let effective = config;
  if (existsSync(configPath)) {
    const previous = JSON.parse(readFileSync(configPath, 'utf8')) as C;
    for (const key of compared) {
      const difference = findDifference(previous[key], config[key], String(key));
      if (difference !== undefined) {
        const show = (value: unknown): string => (value === undefined ? '(not recorded)' : JSON.stringify(value));
        throw new HangjiaError(
          'E_USAGE',
          `The run directory ${directory} holds a run with ${difference.setting} ${show(difference.previous)}, but this run has ${show(difference.value)}. Resume with the same settings, or choose another run directory.`,
          { details: { runDirectory: directory, ...difference } },
        );
      }
    }
    effective = previous;
  } else {
    writeFileAtomically(configPath, `${JSON.stringify(config, null, 2)}\n`);
  }
  const recordsPath = path.join(directory, recordsFile);
  const records: R[] = [];
  let truncatedLines = 0;
  if (existsSync(recordsPath)) {
    const text = readFileSync(recordsPath, 'utf8');
    const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    if (complete.length !== text.length) {
      truncateSync(recordsPath, Buffer.byteLength(complete));
      truncatedLines += 1;
    }
    for (const line of complete.split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as R);
      } catch {
        truncatedLines += 1;
      }
    }
  }
  return { config: effective, records, truncatedLines };
}

/**
 * The first place where two recorded settings differ, as a dotted path: objects are compared key
 * by key (so the error can name `answering.model.temperature`, not the whole `answering` block),
 * anything else as JSON. Undefined when they agree.
 */
function findDifference(previous: unknown, value: unknown, setting: string): { setting: string; previous: unknown; value: unknown } | undefined {
  const isRecord = (candidate: unknown): candidate is Record<string, unknown> => typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate);
  if (isRecord(previous) && isRecord(value)) {
    for (const key of new Set([...Object.keys(previous), ...Object.keys(value)])) {
      const difference = findDifference(previous[key], value[key], `${setting}.${key}`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return JSON.stringify(previous) === JSON.stringify(value) ? undefined : { setting, previous, value };
}

/** Appends records as whole lines, one synchronous write each: a crash loses at most the line being written. */
export class JsonlAppender<R> {
  private readonly descriptor: number;
  constructor(directory: string, file: string) {
    this.descriptor = openSync(path.join(directory, file), 'a');
  }
  append(record: R): void {
    writeSync(this.descriptor, `${JSON.stringify(record)}\n`);
  }
  close(): void {
    closeSync(this.descriptor);
  }
}

export function writeRunSummary(directory: string, summary: unknown): void {
  writeFileAtomically(path.join(directory, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}

/** Through a temporary sibling and a rename: a run killed mid-write leaves the old file or none, never half of one. */
function writeFileAtomically(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}
