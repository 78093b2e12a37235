import { describe, expect, it } from 'vitest';
import { documentId } from './document-id.js';

describe('documentId', () => {
  it('is doc_ plus the first 16 hex digits of sha256(relativePath)', () => {
    expect(documentId('policies/handbook.txt')).toBe('doc_5967a8a38ba1db1a');
  });

  it('joins the row key with a NUL before hashing', () => {
    expect(documentId('faq.csv', '12')).toBe('doc_99e87eafa4ebdfe5');
    expect(documentId('faq.csv', '12')).not.toBe(documentId('faq.csv', '13'));
    expect(documentId('faq.csv', '')).not.toBe(documentId('faq.csv'));
  });

  it('gives the same id for Windows and POSIX separators', () => {
    expect(documentId('policies\\handbook.txt')).toBe('doc_5967a8a38ba1db1a');
  });

  it('cannot confuse a path ending in the row key with a row', () => {
    expect(documentId('a', 'b/c')).not.toBe(documentId('a/b', 'c'));
  });
});
