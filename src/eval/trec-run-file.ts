import { writeFileSync } from 'node:fs';
import { HangjiaError } from '../errors/index.js';
import { readDatasetFile } from './_read-jsonl-lines.js';
import type { Run, ScoredDocument } from './run.js';
import { rankByTrecEvalOrder } from './trec-eval-order.js';

/** How to write a run file. */
export interface FormatTrecRunOptions {
  /** The last column, naming the system (Anserini style: `<index>.<model>`). No whitespace. */
  tag: string;
  /** Keep at most this many documents per query. Default: all. */
  depth?: number;
}

/**
 * Formats a run as TREC run lines, `qid Q0 docid rank score tag`, queries in the order of the
 * map, documents in trec_eval order (see `compareByTrecEvalOrder`) with 1-based ranks, so the
 * rank column agrees with what trec_eval will recompute from the scores.
 *
 * @example
 * formatTrecRun(new Map([['q1', [{ docid: 'd1', score: 2.5 }]]]), { tag: 'hangjia.bm25' });
 * // 'q1 Q0 d1 1 2.5 hangjia.bm25\n'
 */
export function formatTrecRun(run: Run, options: FormatTrecRunOptions): string {
  if (/\s/.test(options.tag) || options.tag === '') {
    throw new HangjiaError('E_USAGE', `A run tag must be one non-empty word without whitespace; found "${options.tag}".`, {
      details: { setting: 'tag', value: options.tag },
    });
  }
  const lines: string[] = [];
  for (const [queryId, documents] of run) {
    const ranked = rankByTrecEvalOrder(documents).slice(0, options.depth ?? Number.POSITIVE_INFINITY);
    ranked.forEach((document, index) => {
      lines.push(`${queryId} Q0 ${document.docid} ${index + 1} ${document.score} ${options.tag}`);
    });
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Writes `formatTrecRun(run, options)` to `path` (UTF-8). */
export function writeTrecRun(path: string, run: Run, options: FormatTrecRunOptions): void {
  writeFileSync(path, formatTrecRun(run, options), 'utf8');
}

/**
 * Reads a TREC run file (`qid Q0 docid rank score tag`, whitespace-separated). The rank column is
 * read but not trusted, as in trec_eval: evaluation re-sorts by score. Throws
 * `HangjiaError('E_DATASET')` with `details.path` and `details.line` for a line without six
 * columns or with a score that is not a finite number.
 */
export function readTrecRun(path: string): Run {
  const lines = readDatasetFile(path).split('\n');
  const run: Run = new Map();
  for (let index = 0; index < lines.length; index += 1) {
    const text = (lines[index] ?? '').trim();
    if (text === '') continue;
    const line = index + 1;
    const columns = text.split(/\s+/);
    if (columns.length !== 6) {
      throw new HangjiaError('E_DATASET', `${path}:${line}: expected "qid Q0 docid rank score tag", found ${columns.length} columns.`, {
        details: { path, line },
      });
    }
    const score = Number(columns[4]);
    if (!Number.isFinite(score)) {
      throw new HangjiaError('E_DATASET', `${path}:${line}: expected a numeric score in column 5, found "${columns[4]}".`, {
        details: { path, line },
      });
    }
    const queryId = columns[0] as string;
    let documents: ScoredDocument[] | undefined = run.get(queryId);
    if (documents === undefined) {
      documents = [];
      run.set(queryId, documents);
    }
    documents.push({ docid: columns[2] as string, score });
  }
  return run;
}
