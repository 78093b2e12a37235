import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../../errors/index.js';
import { examItemsDigest } from '../exam/index.js';
import { RUN_PROVENANCE_FILE, type RunProvenance } from '../runs/index.js';

/** sha256 of the items as asked (id, question, options, key, context), in order: the exam runner's own digest. */
export const examDigest = examItemsDigest;

/** Settings a resumed run must share; `command` and the exam path may differ. */
const COMPARED: readonly (keyof RunProvenance)[] = ['formatVersion', 'strategy', 'kind', 'model', 'shots', 'selector', 'retrieval', 'seed'];

/**
 * Writes `provenance.json` for a new run, or checks a resumed one against it: `E_USAGE` names the
 * setting that differs (including a different exam, by digest), as `runExam` does for `run.json`.
 */
export function writeOrCheckProvenance(runDirectory: string, provenance: RunProvenance): void {
  mkdirSync(runDirectory, { recursive: true });
  const file = path.join(runDirectory, RUN_PROVENANCE_FILE);
  if (!existsSync(file)) {
    writeFileSync(file, `${JSON.stringify(provenance, null, 2)}\n`);
    return;
  }
  const previous = JSON.parse(readFileSync(file, 'utf8')) as RunProvenance;
  const differs = (key: string, left: unknown, right: unknown): void => {
    if (JSON.stringify(left) === JSON.stringify(right)) return;
    throw new HangjiaError(
      'E_USAGE',
      `The run directory ${runDirectory} holds a run with ${key} ${JSON.stringify(left)}, but this run has ${JSON.stringify(right)}. Resume with the same settings, or choose another output directory.`,
      { details: { runDirectory, setting: key, previous: left, value: right } },
    );
  };
  for (const key of COMPARED) differs(key, previous[key], provenance[key]);
  differs('exam', previous.exam.sha256, provenance.exam.sha256);
}
