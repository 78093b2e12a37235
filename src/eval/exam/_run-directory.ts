import { JsonlAppender, openGenericRunDirectory, writeRunSummary, type OpenedRunDirectory } from '../_run-directory.js';
import type { RunIdentityMismatch } from '../resumable-run.js';
import type { ExamRecord, ExamRunConfig } from './exam-record.js';

/** The exam runner's records file inside a run directory. Private to `eval/exam/`. */
const RECORDS_FILE = 'answers.jsonl';

/** The run's identity: settings a resumed run must share with the run that started the directory. */
const COMPARED: readonly (keyof ExamRunConfig)[] = ['formatVersion', 'model', 'endpoint', 'exam', 'dev', 'template', 'shots', 'shotSelection', 'circular', 'temperature', 'maxTokens', 'seed'];

/**
 * Opens (creating) an exam run directory: a new run writes `run.json`; a resumed one must have the
 * same configuration (`E_USAGE` names the setting otherwise). Returns the answers already written;
 * a last line cut short by a crash is removed and counted in `truncatedLines`.
 */
export function openRunDirectory(directory: string, config: ExamRunConfig, onMismatch: RunIdentityMismatch = 'error'): OpenedRunDirectory<ExamRunConfig, ExamRecord> {
  return openGenericRunDirectory<ExamRunConfig, ExamRecord>(directory, config, COMPARED, RECORDS_FILE, onMismatch);
}

/** Appends answers as whole lines, so a crash loses at most the line being written. */
export class RecordWriter extends JsonlAppender<ExamRecord> {
  constructor(directory: string) {
    super(directory, RECORDS_FILE);
  }
}

export const writeSummary = writeRunSummary;
