import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../errors/index.js';
import type { RunIdentityMismatch } from './resumable-run.js';
import { describeRunIdentityDifference, findRunIdentityDifference, runIdentityDigest } from '../support/index.js';

/**
 * A resumable run directory (`run.json` + one JSONL of records + `summary.json`), generic over
 * config and record types: the exam runner, RAG evaluation and pairwise comparison all keep their
 * runs this way. Private to `eval/`.
 */
const RUN_CONFIG_FILE = 'run.json';
const SUMMARY_FILE = 'summary.json';

/** What {@link openGenericRunDirectory} found. */
export interface OpenedRunDirectory<C, R> {
  /** The directory used: the one asked for, or `<it>.<digest>` after a mismatch under `new-directory`. */
  directory: string;
  /** Set when another directory than the one asked for was used: which, and the setting that differed. */
  note?: string;
  config: C;
  records: R[];
  truncatedLines: number;
}

/**
 * Opens (creating) `directory`: writes `run.json` for a new run, or checks that the existing one
 * agrees with `config` on every key in `compared` — the run's identity: everything that can change
 * an answer — down to the nested key that differs (e.g. `answering.model.baseURL`). On a mismatch,
 * see {@link RunIdentityMismatch}. Returns the records of `recordsFile`; a last line cut short by
 * a crash is truncated away and counted.
 */
export function openGenericRunDirectory<C extends object, R>(
  directory: string,
  config: C,
  compared: readonly (keyof C)[],
  recordsFile: string,
  onMismatch: RunIdentityMismatch = 'error',
): OpenedRunDirectory<C, R> {
  const identityOf = (candidate: C): Record<string, unknown> => Object.fromEntries(compared.map((key) => [String(key), candidate[key]]));
  const configPath = path.join(directory, RUN_CONFIG_FILE);
  let effective = config;
  if (existsSync(configPath)) {
    const previous = JSON.parse(readFileSync(configPath, 'utf8')) as C;
    const difference = findRunIdentityDifference(identityOf(previous), identityOf(config));
    if (difference !== undefined) {
      const shown = describeRunIdentityDifference(difference);
      if (onMismatch === 'error') {
        throw new HangjiaError(
          'E_USAGE',
          `The run directory ${directory} holds a run with ${difference.setting} ${shown.previous}, but this run has ${shown.value}: its answers cannot be resumed into this run. Resume with the same settings, or choose another run directory.`,
          { details: { runDirectory: directory, ...difference } },
        );
      }
      const alternative = `${directory}.${runIdentityDigest(identityOf(config))}`;
      const opened = openGenericRunDirectory<C, R>(alternative, config, compared, recordsFile, 'error');
      return { ...opened, note: `${directory} holds a run with ${difference.setting} ${shown.previous}; this run has ${shown.value}, so it uses ${alternative}.` };
    }
    effective = previous;
  } else {
    mkdirSync(directory, { recursive: true });
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
  return { directory, config: effective, records, truncatedLines };
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
