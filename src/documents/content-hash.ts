import { createHash } from 'node:crypto';

/**
 * sha256 of a text's UTF-8 bytes, as 64 lower-case hex digits. The knowledge base compares it on
 * sync to decide whether a document changed, so hash the normalised text (`normalizeText`), not
 * the raw file: a file re-saved with CRLF line endings should not count as changed.
 */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
