import { normalizeText } from '../../documents/index.js';
import { buildDocument } from '../_build-document.js';
import { decodeText } from '../_decode-text.js';
import { emptySourceError } from '../_empty-source-error.js';
import type { SourceAdapter } from '../_source-adapter.js';

/** A title line is short and is not a sentence: statutes and notices open with their name (《…》 optional). */
const TITLE_LINE = /^[^。！？；.!?;:：，,]{1,60}$/u;

/**
 * `.txt`/`.text`: the whole file is one document. Its title is the first line when that line looks
 * like a title (short, no sentence punctuation — e.g. "中华人民共和国劳动合同法"), else the file name.
 */
export const readTextSource: SourceAdapter = async (file, bytes) => {
  const { text, encoding } = decodeText(bytes, file.path);
  if (text.trim() === '') throw emptySourceError(file, 'the file is empty or only whitespace.');
  const firstLine = normalizeText(text).trim().split('\n', 1)[0]!.trim();
  const title = TITLE_LINE.test(firstLine) && !/^第[\d０-９一二三四五六七八九十百千零〇两]+[编章节条]/u.test(firstLine) ? firstLine.replace(/^《(.+)》$/u, '$1') : undefined;
  return { documents: [buildDocument(file, { text, encoding, ...(title ? { title } : {}) })], warnings: [] };
};
