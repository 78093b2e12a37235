import { createHash } from 'node:crypto';

/**
 * A stable document id: `doc_` plus the first 16 hex digits (64 bits) of the sha256 of the
 * source's path relative to its root and, for csv/jsonl rows, the row key.
 *
 * Why relative, and why a hash: the id must survive moving the whole folder and re-running
 * (chunk ids, run files and judgments refer to it), must not leak directory names into URLs,
 * and must be safe in file names. Backslashes are turned into slashes first so that the same
 * tree gives the same ids on Windows and POSIX. The path and the row key are joined by a NUL,
 * which can appear in neither, so (`a`, `b/c`) and (`a/b`, `c`) cannot collide.
 *
 * 64 bits keeps ids short; the chance of any collision among a million documents is about 3e-8.
 *
 * @example
 * documentId('policies/handbook.txt')   // 'doc_' + 16 hex digits, the same on every run
 * documentId('faq.csv', '12')           // a different id for row 12 of faq.csv
 */
export function documentId(relativePath: string, rowKey?: string): string {
  const key = relativePath.replace(/\\/g, '/') + (rowKey === undefined ? '' : `\u0000${rowKey}`);
  return `doc_${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)}`;
}
