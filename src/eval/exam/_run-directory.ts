import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../../errors/index.js';
import type { ExamRecord, ExamRunConfig } from './exam-record.js';

/** File names inside a run directory. Private to `eval/exam/`. */
export const RUN_CONFIG_FILE = 'run.json';
export const RECORDS_FILE = 'answers.jsonl';
export const SUMMARY_FILE = 'summary.json';

/** Settings a resumed run must share with the run that started the directory. */
const COMPARED: readonly (keyof ExamRunConfig)[] = ['formatVersion', 'model', 'template', 'shots', 'shotSelection', 'circular', 'temperature', 'maxTokens', 'seed'];

/**
 * Opens (creating) a run directory: writes `run.json` for a new run, or checks that the existing
 * one has the same configuration, throwing `E_USAGE` that names the setting otherwise. Returns
 * the records already written. A last line cut short by a crash is removed, so appending starts
 * on a clean line; it is counted in `truncatedLines`.
 */
export function openRunDirectory(directory: string, config: ExamRunConfig): { config: ExamRunConfig; records: ExamRecord[]; truncatedLines: number } {
  mkdirSync(directory, { recursive: true });
  const configPath = path.join(directory, RUN_CONFIG_FILE);
  let effective = config;
  if (existsSync(configPath)) {
    const previous = JSON.parse(readFileSync(configPath, 'utf8')) as ExamRunConfig;
    for (const key of COMPARED) {
      if (JSON.stringify(previous[key]) !== JSON.stringify(config[key])) {
        throw new HangjiaError(
          'E_USAGE',
          `The run directory ${directory} holds a run with ${key} ${JSON.stringify(previous[key])}, but this run has ${JSON.stringify(config[key])}. Resume with the same settings, or choose another run directory.`,
          { details: { runDirectory: directory, setting: key, previous: previous[key], value: config[key] } },
        );
      }
    }
    effective = previous;
  } else {
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  }
  const recordsPath = path.join(directory, RECORDS_FILE);
  const records: ExamRecord[] = [];
  let truncatedLines = 0;
  if (existsSync(recordsPath)) {
    const text = readFileSync(recordsPath, 'utf8');
    const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    if (complete.length !== text.length) {
      truncateSync(recordsPath, Buffer.byteLength(complete));
      truncatedLines += 1;
    }
    for (const line of complete.split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as ExamRecord);
      } catch {
        truncatedLines += 1;
      }
    }
  }
  return { config: effective, records, truncatedLines };
}

/** Appends records as whole lines with one synchronous write each, so a crash loses at most the line being written. */
export class RecordWriter {
  private readonly descriptor: number;
  constructor(directory: string) {
    this.descriptor = openSync(path.join(directory, RECORDS_FILE), 'a');
  }
  append(record: ExamRecord): void {
    writeSync(this.descriptor, `${JSON.stringify(record)}\n`);
  }
  close(): void {
    closeSync(this.descriptor);
  }
}

export function writeSummary(directory: string, summary: unknown): void {
  writeFileSync(path.join(directory, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}

