import mammoth from 'mammoth';
import { normalizeText } from '../../documents/index.js';
import { HangjiaError } from '../../errors/index.js';
import { buildDocument } from '../_build-document.js';
import { emptySourceError } from '../_empty-source-error.js';
import { htmlToMarkdown } from '../_html-to-markdown.js';
import { markdownTitle } from '../_markdown-title.js';
import type { SourceAdapter } from '../_source-adapter.js';
import type { SourceWarning } from '../source-read-result.js';

/**
 * `.docx`: mammoth converts the document to HTML (Heading 1…6 styles → h1…h6, tables → tables),
 * and the HTML adapter's converter turns that into Markdown-shaped text, so headings and tables
 * survive for the chunker. Titled by the first heading. Mammoth's own messages (unrecognised
 * styles, unsupported elements) are returned as `conversion-message` warnings.
 */
export const readDocxSource: SourceAdapter = async (file, bytes) => {
  let html: string;
  let messages: Array<{ type: string; message: string }>;
  try {
    const result = await mammoth.convertToHtml({ buffer: bytes });
    html = result.value;
    messages = result.messages;
  } catch (error) {
    throw new HangjiaError(
      'E_SOURCE_CORRUPT',
      `Cannot read DOCX ${file.path}: it is not a valid Word document (${(error as Error).message}). Old .doc files must be saved as .docx first.`,
      { details: { path: file.path, format: 'docx' }, cause: error },
    );
  }
  const { markdown } = htmlToMarkdown(html);
  if (markdown.trim() === '') throw emptySourceError(file, 'the document body has no text.');
  const warnings: SourceWarning[] = messages.map((message) => ({
    path: file.path,
    reason: 'conversion-message',
    message: `mammoth ${message.type}: ${message.message}`,
  }));
  const title = markdownTitle(normalizeText(markdown));
  return { documents: [buildDocument(file, { text: markdown, title })], warnings };
};
