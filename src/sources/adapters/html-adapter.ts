import { buildDocument } from '../_build-document.js';
import { decodeText } from '../_decode-text.js';
import { emptySourceError } from '../_empty-source-error.js';
import { htmlToMarkdown } from '../_html-to-markdown.js';
import type { SourceAdapter } from '../_source-adapter.js';

/**
 * `.html`/`.htm`: one document of Markdown-shaped text (see `htmlToMarkdown`), titled by
 * `<title>` or the first `<h1>`. The encoding is detected from the bytes like any text file; a
 * `<meta charset>` that disagrees is ignored, because files saved by editors often keep a stale one.
 */
export const readHtmlSource: SourceAdapter = async (file, bytes) => {
  const { text, encoding } = decodeText(bytes, file.path);
  const { markdown, title } = htmlToMarkdown(text);
  if (markdown.trim() === '') throw emptySourceError(file, 'the page has no text outside scripts, styles and navigation.');
  return { documents: [buildDocument(file, { text: markdown, encoding, title })], warnings: [] };
};
