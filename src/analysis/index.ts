/** @module analysis — analyzers shared by indexing and querying. */
export type { Analyzer, AnalyzerRecipe } from './analyzer.js';
export { createAnalyzer, BIGRAM_PREFIX, UNIGRAM_PREFIX, DEFAULT_ANALYZER_NAME, DEFAULT_ANALYZER_VERSION } from './default-analyzer.js';
export type { AnalyzerOptions } from './default-analyzer.js';
export { normalizeText } from './normalize-text.js';
export { stemEnglish } from './english-stemmer.js';
export { CHINESE_STOPWORDS } from './chinese-stopwords.js';
export { ENGLISH_STOPWORDS } from './english-stopwords.js';
export { QUERY_BOILERPLATE } from './query-boilerplate.js';
