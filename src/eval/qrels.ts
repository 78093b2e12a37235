import { HangjiaError } from '../errors/index.js';
import { readDatasetFile } from './_read-jsonl-lines.js';

/**
 * Relevance judgments: query id → (document id → grade). Grades above 0 count as relevant, as
 * trec_eval's default relevance level of 1; a grade of 0 or below is judged non-relevant.
 */
export type Qrels = Map<string, Map<string, number>>;

/**
 * Reads a judgments file in either of the two common shapes, detected per line:
 *
 * - BEIR `qrels.tsv`: `query-id<TAB>corpus-id<TAB>score`, with or without the `query-id` header line;
 * - TREC qrels: `qid iteration docid grade` separated by any whitespace (the iteration column is ignored).
 *
 * Grades must be integers. Throws `HangjiaError('E_DATASET')` with `details.path` and
 * `details.line` for a missing file, a wrong number of columns, a non-integer grade, or the same
 * (query, document) pair judged twice with different grades.
 */
export function readQrels(path: string): Qrels {
  const lines = readDatasetFile(path).split('\n');
  const qrels: Qrels = new Map();
  for (let index = 0; index < lines.length; index += 1) {
    const text = (lines[index] ?? '').trim();
    if (text === '') continue;
    const line = index + 1;
    const columns = text.split(/\s+/);
    if (line === 1 && columns[0] === 'query-id') continue;
    if (columns.length !== 3 && columns.length !== 4) {
      throw new HangjiaError('E_DATASET', `${path}:${line}: expected "query-id<TAB>corpus-id<TAB>score" or "qid 0 docid grade", found ${columns.length} columns.`, {
        details: { path, line },
      });
    }
    const queryId = columns[0] as string;
    const documentId = columns[columns.length - 2] as string;
    const gradeText = columns[columns.length - 1] as string;
    if (!/^-?\d+$/.test(gradeText)) {
      throw new HangjiaError('E_DATASET', `${path}:${line}: expected an integer relevance grade, found "${gradeText}".`, {
        details: { path, line },
      });
    }
    const grade = Number(gradeText);
    let judgments = qrels.get(queryId);
    if (judgments === undefined) {
      judgments = new Map();
      qrels.set(queryId, judgments);
    }
    const previous = judgments.get(documentId);
    if (previous !== undefined && previous !== grade) {
      throw new HangjiaError('E_DATASET', `${path}:${line}: query ${queryId} judges document ${documentId} twice, as ${previous} and ${grade}. Keep one judgment.`, {
        details: { path, line, queryId, documentId },
      });
    }
    judgments.set(documentId, grade);
  }
  return qrels;
}
