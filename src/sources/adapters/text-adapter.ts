import { buildDocument } from '../_build-document.js';
import { decodeText } from '../_decode-text.js';
import { emptySourceError } from '../_empty-source-error.js';
import type { SourceAdapter } from '../_source-adapter.js';

/** `.txt`/`.text`: the whole file is one document, titled by its file name. */
export const readTextSource: SourceAdapter = async (file, bytes) => {
  const { text, encoding } = decodeText(bytes, file.path);
  if (text.trim() === '') throw emptySourceError(file, 'the file is empty or only whitespace.');
  return { documents: [buildDocument(file, { text, encoding })], warnings: [] };
};
