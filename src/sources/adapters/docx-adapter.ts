import mammoth from 'mammoth';
import { normalizeText } from '../../documents/index.js';
import { HangjiaError } from '../../errors/index.js';
import { buildDocument } from '../_build-document.js';
import { emptySourceError } from '../_empty-source-error.js';
import { htmlToMarkdown } from '../_html-to-markdown.js';
import { markdownTitle } from '../_markdown-title.js';
import type { SourceAdapter } from '../_source-adapter.js';
import type { SourceWarning } from '../source-read-result.js';
import { zipExpandedSize } from '../_zip-expanded-size.js';

/**
 * The most the parts mammoth reads (XML, not images) may expand to. The text of a 1,000-page
 * Word document is 10–30 MB of XML; a small file that inflates to gigabytes is a zip bomb, and
 * mammoth would try to hold it in memory as one string and one DOM.
 */
export const DOCX_MAX_EXPANDED_BYTES = 128 * 1024 * 1024;

// Images are not text: mammoth would otherwise read and base64-encode every one into the HTML.
const SKIP_IMAGES = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * `.docx`: mammoth converts the document to HTML (Heading 1…6 styles → h1…h6, tables → tables),
 * and the HTML adapter's converter turns that into Markdown-shaped text, so headings and tables
 * survive for the chunker. Titled by the first heading. Mammoth's own messages (unrecognised
 * styles, unsupported elements) are returned as `conversion-message` warnings.
 */
export const readDocxSource: SourceAdapter = async (file, bytes) => {
  const expanded = zipExpandedSize(bytes, (name) => !name.startsWith('word/media/'));
  if (expanded !== undefined && expanded > DOCX_MAX_EXPANDED_BYTES) {
    throw new HangjiaError(
      'E_SOURCE_CORRUPT',
      `Cannot read DOCX ${file.path}: its parts expand to ${expanded} bytes, over the ${DOCX_MAX_EXPANDED_BYTES}-byte limit for a Word document's text (a zip bomb, or not a real document). Re-save it from Word, or split it.`,
      { details: { path: file.path, format: 'docx', expandedBytes: expanded, limit: DOCX_MAX_EXPANDED_BYTES } },
    );
  }
  let html: string;
  let messages: Array<{ type: string; message: string }>;
  try {
    const result = await mammoth.convertToHtml({ buffer: bytes }, { convertImage: SKIP_IMAGES });
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
