/** @module eval/extraction — precision, recall and F1 of knowledge-graph extraction against a hand-labelled gold set. */
export { readExtractionGold, type ExtractionGoldItem, type GoldEntity, type GoldAttribute, type GoldRelation } from './extraction-gold.js';
export { evaluateExtraction, predictExtraction, type ExtractionEvaluation, type ExtractionKind, type SpanMatch, type PrecisionRecall, type ComparableFact } from './evaluate-extraction.js';
