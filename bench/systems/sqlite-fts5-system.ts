import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CorpusDocument } from '../../src/eval/index.js';
import { createJiebaTokenizer } from './jieba-tokenizer.js';
import type { RetrievalSystem } from './retrieval-system.js';

/**
 * SQLite FTS5 through better-sqlite3, a file database in a temporary folder, ranked by `bm25()`
 * (FTS5's built-in BM25, k1 = 1.2, b = 0.75, equal column weights), top k by `ORDER BY rank`.
 *
 * - `jieba`: title and text segmented with the jieba tokenizer and joined with spaces, indexed
 *   with `unicode61` (which then splits on those spaces); the query is the OR of its unique jieba
 *   terms, each quoted as an FTS5 string (`"` doubled) so no term is read as an operator.
 * - `trigram`: raw title and text with the `trigram` tokenizer (case-folded); the query is the OR
 *   of its unique character trigrams, quoted the same way. Queries shorter than three characters
 *   have no trigram and return nothing; FTS5 has no way to score shorter terms with this tokenizer.
 */
export function createSqliteFts5System(options: { tokenizer: 'jieba' | 'trigram' }): RetrievalSystem {
  const jieba = options.tokenizer === 'jieba';
  return {
    name: jieba ? 'fts5-jieba' : 'fts5-trigram',
    description: jieba
      ? 'SQLite FTS5 unicode61 on jieba-segmented text, OR of terms, bm25()'
      : 'SQLite FTS5 trigram tokenizer on raw text, OR of query trigrams, bm25()',
    async build(corpus: readonly CorpusDocument[]) {
      const folder = mkdtempSync(join(tmpdir(), 'hangjia-bench-fts5-'));
      const path = join(folder, 'index.sqlite');
      const database = new Database(path);
      database.pragma('journal_mode = OFF');
      database.pragma('synchronous = OFF');
      const tokenize = jieba ? createJiebaTokenizer() : undefined;
      const prepare = (text: string): string => (tokenize === undefined ? text : tokenize(text).join(' '));
      database.exec(`CREATE VIRTUAL TABLE documents USING fts5(docid UNINDEXED, title, text, tokenize='${jieba ? 'unicode61' : 'trigram'}')`);
      const insert = database.prepare('INSERT INTO documents (docid, title, text) VALUES (?, ?, ?)');
      database.transaction(() => {
        for (const document of corpus) insert.run(document.id, prepare(document.title), prepare(document.text));
      })();
      database.exec("INSERT INTO documents(documents) VALUES ('optimize')");
      const select = database.prepare('SELECT docid, rank FROM documents WHERE documents MATCH ? ORDER BY rank LIMIT ?');
      const queryTerms = (query: string): string[] => (tokenize === undefined ? trigramsOf(query.toLowerCase()) : tokenize(query));
      return {
        search(query: string, k: number) {
          const terms = [...new Set(queryTerms(query))];
          if (terms.length === 0) return [];
          const expression = terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
          // bm25() is negative, better matches more negative; negate so higher is better.
          return (select.all(expression, k) as { docid: string; rank: number }[]).map((row) => ({ docid: row.docid, score: -row.rank }));
        },
        measureSize: () => ({ bytes: statSync(path).size, measuredAs: 'SQLite file bytes (after optimize)' }),
        close() {
          database.close();
          rmSync(folder, { recursive: true, force: true });
        },
      };
    },
  };
}

/** Overlapping three-character windows over code points, skipping windows with whitespace. */
function trigramsOf(text: string): string[] {
  const characters = [...text];
  const trigrams: string[] = [];
  for (let index = 0; index + 3 <= characters.length; index += 1) {
    const trigram = characters.slice(index, index + 3).join('');
    if (!/\s/.test(trigram)) trigrams.push(trigram);
  }
  return trigrams;
}
