/** @module prompt — question + Hits → chat messages with numbered sources and citation rules, within a token budget. */
export { buildAnswerPrompt, sourceHeader } from './build-answer-prompt.js';
export type { AnswerPrompt, BuildAnswerPromptOptions, DroppedHit, PromptSource } from './build-answer-prompt.js';
export { ANSWER_PROMPT_TEMPLATES, type AnswerPromptTemplate } from './answer-prompt-templates.js';
export { cleanAssistantTurn, fitConversationHistory, type FittedHistory, type HistoryTurn } from './fit-conversation-history.js';
export { detectLanguage, type Language } from './detect-language.js';
