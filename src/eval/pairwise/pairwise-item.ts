import { readJsonLines } from '../_read-jsonl-lines.js';

/** One question answered by two systems, A and B. */
export interface PairwiseItem {
  id: string;
  question: string;
  answerA: string;
  answerB: string;
  /** A reference answer, shown to the judge when both files agree on it (or only one has it). */
  reference?: string;
}

/** The outcome for A: A is better (`win`), equal (`tie`) or worse (`loss`). */
export type PairwiseOutcome = 'win' | 'tie' | 'loss';

export interface UnpairedAnswer {
  path: string;
  line: number;
  id: string;
  reason: 'invalid-answer' | 'duplicate-id' | 'missing-in-other-file' | 'different-question';
  message: string;
}

/**
 * Pairs two answer files, `{"id"?, "question", "answer", "reference"?}` a line (the `answer` field
 * of `hangjia ask --json` output and of `eval rag` inputs works too). Items are matched by `id`;
 * lines without one by the question text. Lines that cannot be paired are returned with a reason.
 *
 * @example
 * const { items, skipped } = readPairwiseAnswers('runs/qwen-rag.jsonl', 'runs/qwen-sft.jsonl');
 */
export function readPairwiseAnswers(pathA: string, pathB: string): { items: PairwiseItem[]; skipped: UnpairedAnswer[] } {
  const skipped: UnpairedAnswer[] = [];
  const read = (path: string): Map<string, { line: number; question: string; answer: string; reference?: string }> => {
    const rows = new Map<string, { line: number; question: string; answer: string; reference?: string }>();
    for (const entry of readJsonLines(path)) {
      const value = entry.value;
      const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : typeof value.question === 'string' ? value.question : String(entry.line);
      if (typeof value.question !== 'string' || typeof value.answer !== 'string') {
        skipped.push({ path, line: entry.line, id, reason: 'invalid-answer', message: `${path}:${entry.line} (${id}): expected string fields "question" and "answer"` });
        continue;
      }
      if (rows.has(id)) {
        skipped.push({ path, line: entry.line, id, reason: 'duplicate-id', message: `${path}:${entry.line} (${id}): the id was used on line ${rows.get(id)!.line}` });
        continue;
      }
      rows.set(id, { line: entry.line, question: value.question, answer: value.answer, ...(typeof value.reference === 'string' ? { reference: value.reference } : {}) });
    }
    return rows;
  };
  const rowsA = read(pathA);
  const rowsB = read(pathB);
  const items: PairwiseItem[] = [];
  for (const [id, a] of rowsA) {
    const b = rowsB.get(id);
    if (b === undefined) {
      skipped.push({ path: pathA, line: a.line, id, reason: 'missing-in-other-file', message: `${pathA}:${a.line} (${id}): no answer with this id in ${pathB}` });
      continue;
    }
    if (a.question.trim() !== b.question.trim()) {
      skipped.push({ path: pathA, line: a.line, id, reason: 'different-question', message: `${pathA}:${a.line} (${id}): the question differs from ${pathB}:${b.line}` });
      continue;
    }
    const reference = a.reference ?? b.reference;
    items.push({ id, question: a.question, answerA: a.answer, answerB: b.answer, ...(reference === undefined ? {} : { reference }) });
  }
  for (const [id, b] of rowsB) {
    if (!rowsA.has(id)) skipped.push({ path: pathB, line: b.line, id, reason: 'missing-in-other-file', message: `${pathB}:${b.line} (${id}): no answer with this id in ${pathA}` });
  }
  return { items, skipped };
}
