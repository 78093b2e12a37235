/** @module retrieval — query → ranked Hits with match info: the lexical rescoring cascade, fusion and reranking. */
export type { Hit, RetrieverScore } from './hit.js';
export { reciprocalRankFusion } from './fusion.js';
export type { FusedHit, RankedList, ReciprocalRankFusionOptions } from './fusion.js';
export type { Reranker, RerankCandidate } from './rerank.js';
export { retrieve, type RetrievalSources, type RetrievalMode, type RetrieveOptions, type RetrievalResult } from './retrieve.js';
export { toLexicalRecord, type LexicalUnit } from './lexical-unit.js';
export { buildLexicalIndex, createLexicalSearch, createRescoringCascade, type LexicalSearch, type LexicalSearchOptions, type RescoringSettings } from './lexical-search.js';
export type { Candidate, RescoringContext, RescoringStage } from './rescoring/rescoring-stage.js';
export { citationEvidence, DEFAULT_CITATION_PARAMS, type CitationParams } from './rescoring/citation-evidence.js';
export { groupEvidence, DEFAULT_GROUP_PARAMS, type GroupParams } from './rescoring/group-evidence.js';
export { rm3Feedback, DEFAULT_FEEDBACK_PARAMS, type FeedbackParams } from './rescoring/rm3-feedback.js';
export { topicEvidence, DEFAULT_TOPIC_PARAMS, type TopicParams } from './rescoring/topic-evidence.js';
