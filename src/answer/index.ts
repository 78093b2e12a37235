/**
 * @module answer — retrieve → prompt → generate → cited Answer (stream and not): the evidence
 * threshold (refuse instead of hallucinating), the citation post-check, extractive answers when no
 * model is configured, and question condensing for multi-turn chat.
 */
export { answerQuestion, DEFAULT_EVIDENCE_THRESHOLD, KB_SYSTEM_PROMPT_KEY } from './answer-question.js';
export type { AnswerKnowledgeBase, AnswerQuestionOptions } from './answer-question.js';
export type { Answer, AnswerKind, AnswerRefusal, AnswerSource, AnswerStream, AnswerStreamPart, Citation, RemovedMarker, SentenceCheck } from './answer.js';
export { scoreEvidence, defaultTermWeight, hitTerms, type EvidenceScore, type EvidenceOptions, type TermWeight } from './evidence-score.js';
export { answerToJson, hitToJson, type AnswerJson, type AnswerJsonDetail } from './answer-json.js';
export { citableLocation, type CitableLocation } from './citable-location.js';
export { finishedAnswerStream } from './finished-answer-stream.js';
export { citedSentenceSpans, findMarkers, stripMarkers, type CitedSentenceSpan } from './cited-sentences.js';
export { checkAnswer, bestSentence, type AnswerCheck, type CheckAnswerOptions, type CheckedSentence } from './check-answer.js';
export { extractAnswer, EXTRACTIVE_LABEL, type ExtractAnswerOptions, type ExtractedAnswer } from './extractive-answer.js';
export { isRefusalReply, isRefusalSentence } from './refusal.js';
export { condenseQuestion, type CondensedQuestion, type CondenseQuestionOptions, type ConversationTurn } from './condense-question.js';
