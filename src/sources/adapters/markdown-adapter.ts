import { normalizeText } from '../../documents/index.js';
import { buildDocument } from '../_build-document.js';
import { decodeText } from '../_decode-text.js';
import { emptySourceError } from '../_empty-source-error.js';
import { markdownTitle } from '../_markdown-title.js';
import type { SourceAdapter } from '../_source-adapter.js';

/**
 * `.md`/`.markdown`: one document, text kept as written (it is already the Markdown shape the
 * chunker expects), titled by its first heading.
 */
export const readMarkdownSource: SourceAdapter = async (file, bytes) => {
  const { text, encoding } = decodeText(bytes, file.path);
  if (text.trim() === '') throw emptySourceError(file, 'the file is empty or only whitespace.');
  const title = markdownTitle(normalizeText(text));
  return { documents: [buildDocument(file, { text, encoding, title })], warnings: [] };
};
