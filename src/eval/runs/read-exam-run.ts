import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../../errors/index.js';
import type { ExamRecord, ExamRunConfig, ExamSummary } from '../exam/index.js';

/**
 * What `hangjia eval compare` adds to an exam run directory beside `run.json`, so a run says
 * everything needed to repeat it: which strategy, which exam (hash of the items asked), the prompt
 * templates, the retrieval settings and the seed. `runExam` alone does not write it.
 */
export interface RunProvenance {
  formatVersion: 1;
  /** The strategy's name in the comparison (`zero-shot`, `rag+few-shot`, an endpoint's name). */
  strategy: string;
  kind: string;
  exam: { path: string | null; items: number; sha256: string };
  model: { provider: string; modelId: string; baseURL?: string };
  shots: number;
  /** The selector choosing shots, or null for none. */
  selector: string | null;
  /** Retrieval settings for RAG strategies; null otherwise. */
  retrieval: { knowledgeBase: string; knowledgeBaseGeneration?: number; k: number; evidenceThreshold: number; maxContextChars: number; query: string } | null;
  /** The exam prompt templates as they were when the run started. */
  templates: unknown;
  seed: number;
  /** The command line that started the run, when it came from the CLI. */
  command: string | null;
}

/** One exam run directory as written by `runExam` (and `eval compare`), read back. */
export interface ExamRunDirectory {
  directory: string;
  config: ExamRunConfig;
  records: ExamRecord[];
  /** `summary.json` as written at the end of the run; null when the run never reached it. */
  summary: { complete: boolean; failure: unknown; summary: ExamSummary } | null;
  /** `provenance.json`, when `eval compare` wrote one. */
  provenance: RunProvenance | null;
  /** Lines of `answers.jsonl` that did not parse (a crash mid-write). */
  damagedLines: number;
}

/** The file `eval compare` writes beside `run.json`. */
export const RUN_PROVENANCE_FILE = 'provenance.json';

/**
 * Reads an exam run directory (`run.json`, `answers.jsonl`, `summary.json`, and `provenance.json`
 * when present) without changing it. Throws `E_PATH_NOT_FOUND` when `run.json` is missing.
 *
 * @example
 * const run = readExamRun('runs/exam.cmmlu-test.qwen.0shot');
 * run.config.model.modelId; run.records.length;
 */
export function readExamRun(directory: string): ExamRunDirectory {
  const configPath = path.join(directory, 'run.json');
  if (!existsSync(configPath)) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `${directory} is not an exam run directory: it has no run.json. Give a directory written by "hangjia eval exam" or "hangjia eval compare".`, {
      details: { path: directory },
    });
  }
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as ExamRunConfig;
  const records: ExamRecord[] = [];
  let damagedLines = 0;
  const recordsPath = path.join(directory, 'answers.jsonl');
  if (existsSync(recordsPath)) {
    for (const line of readFileSync(recordsPath, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as ExamRecord);
      } catch {
        damagedLines += 1;
      }
    }
  }
  const readJson = <T>(name: string): T | null => {
    const file = path.join(directory, name);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
  };
  return { directory, config, records, summary: readJson('summary.json'), provenance: readJson<RunProvenance>(RUN_PROVENANCE_FILE), damagedLines };
}

/**
 * Each item's outcome in a run, in order of first appearance: right when every record of the item
 * (one, or one per rotation under circular evaluation) is right.
 */
export function itemOutcomes(records: readonly ExamRecord[]): Map<string, boolean> {
  const outcomes = new Map<string, boolean>();
  for (const record of records) outcomes.set(record.id, (outcomes.get(record.id) ?? true) && record.correct);
  return outcomes;
}
