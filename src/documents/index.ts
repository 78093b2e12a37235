/** @module documents — the Document type, text normalisation and stable ids. */
export type { Document, SourceFormat } from './document.js';
export { normalizeText } from './normalize-text.js';
export { contentHash } from './content-hash.js';
export { documentId } from './document-id.js';
export { CJK_RADICALS_SUPPLEMENT } from './cjk-radicals-supplement.js';
