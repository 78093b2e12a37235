import { readJsonLines, requireStringField } from './_read-jsonl-lines.js';

/** A test question: BEIR `queries.jsonl` holds one `{"id","text"}` per line (`_id`, as in the original BEIR release, is accepted too). */
export interface EvaluationQuery {
  id: string;
  text: string;
}

/**
 * Reads a BEIR queries file. Throws `HangjiaError('E_DATASET')` with `details.path` and
 * `details.line` for a missing file, a malformed line or a missing `id`/`text`.
 */
export function readQueries(path: string): EvaluationQuery[] {
  return readJsonLines(path).map((entry) => ({
    id: requireStringField(entry, '_id' in entry.value ? '_id' : 'id', path),
    text: requireStringField(entry, 'text', path),
  }));
}
