import { readJsonLines, requireStringField } from './_read-jsonl-lines.js';

/** A corpus document: BEIR `corpus.jsonl` holds one `{"id","title","text"}` per line (`title` may be absent; `_id` is accepted for `id`, as in the original BEIR release). */
export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
}

/**
 * Reads a BEIR corpus file. A missing `title` becomes `''`; a missing `id` or `text`, or a
 * line that is not a JSON object, throws `HangjiaError('E_DATASET')` with `details.path` and
 * `details.line`.
 */
export function readCorpus(path: string): CorpusDocument[] {
  return readJsonLines(path).map((entry) => ({
    id: requireStringField(entry, '_id' in entry.value ? '_id' : 'id', path),
    title: requireStringField(entry, 'title', path, { optional: true }),
    text: requireStringField(entry, 'text', path),
  }));
}
