/** @module index/citations — which records' groups other groups name by title (《…》), as query-independent evidence. */
export { TitleCitations, titleReferences, normalizeTitle, MIN_TITLE_LENGTH } from './title-citations.js';
