import { getDocumentProxy } from 'unpdf';
import { HangjiaError } from '../../errors/index.js';
import { normalizeText } from '../../documents/index.js';
import { buildDocument } from '../_build-document.js';
import { markdownTitle } from '../_markdown-title.js';
import { emptySourceError } from '../_empty-source-error.js';
import { pdfPageText, type PdfTextItem } from '../_pdf-page-text.js';
import type { SourceAdapter } from '../_source-adapter.js';

/**
 * `.pdf`: one document from the text layer (pdf.js through unpdf), each page's lines rejoined into
 * paragraphs (see `pdfPageText`: wrapped Chinese lines would otherwise split words), pages joined
 * by blank lines,
 * titled by its first heading (a short line in a larger font), else its file name (PDF Title fields
 * are too often "untitled" or "Microsoft Word - x.docx" to trust; the raw field is kept in
 * `metadata.pdfTitle`). `metadata.pageCount` holds the pages.
 *
 * Chinese extracted from PDFs often arrives as Kangxi and CJK radicals (`⼤` for `大`): producers
 * subset fonts and point ToUnicode at radical code points. `buildDocument` normalises them.
 * Scanned PDFs have no text layer; they fail with `E_SOURCE_EMPTY` rather than yield an empty
 * document that would silently never match.
 */
export const readPdfSource: SourceAdapter = async (file, bytes, _options, signal) => {
  let pages: string[];
  let pdfTitle: unknown;
  try {
    // verbosity 0: pdf.js otherwise prints font warnings to the console; library code never prints.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      const metadata = await pdf.getMetadata();
      pdfTitle = (metadata.info as Record<string, unknown> | undefined)?.Title;
      pages = [];
      for (let number = 1; number <= pdf.numPages; number += 1) {
        signal.throwIfAborted();
        const page = await pdf.getPage(number);
        const [left, , right] = page.view;
        const content = await page.getTextContent();
        const items: PdfTextItem[] = content.items.flatMap((item) =>
          'str' in item
            ? [{ str: item.str, x: item.transform[4], y: item.transform[5], width: item.width, fontSize: Math.hypot(item.transform[2], item.transform[3]) }]
            : [],
        );
        pages.push(pdfPageText(items, (right ?? 0) - (left ?? 0)));
      }
    } finally {
      await pdf.destroy();
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const name = (error as Error).name;
    const reason =
      name === 'PasswordException'
        ? 'it is password-protected; remove the password and try again'
        : `pdf.js cannot parse it (${(error as Error).message}); re-save or re-export it and try again`;
    throw new HangjiaError('E_SOURCE_CORRUPT', `Cannot read PDF ${file.path}: ${reason}.`, {
      details: { path: file.path, format: 'pdf' },
      cause: error,
    });
  }
  const text = pages.map((page) => page.trim()).filter((page) => page !== '').join('\n\n');
  if (text === '') {
    throw emptySourceError(
      file,
      `none of its ${pages.length} page(s) has a text layer — it is probably scanned images. Run OCR on it (e.g. ocrmypdf) and add the result.`,
    );
  }
  const metadata: Record<string, unknown> = { pageCount: pages.length };
  if (typeof pdfTitle === 'string' && pdfTitle.trim() !== '') metadata.pdfTitle = pdfTitle.trim();
  const title = markdownTitle(normalizeText(text));
  return { documents: [buildDocument(file, { text, metadata, ...(title ? { title } : {}) })], warnings: [] };
};
