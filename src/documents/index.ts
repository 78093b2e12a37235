/** @module documents — the Document type, text normalisation and stable ids. */
export type { Document, SourceFormat } from './document.js';
