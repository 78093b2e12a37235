/**
 * @module examples — in-context learning with dynamic example selection (system S3): read a pool
 * of solved examples, pick the few most useful for this input (Jaccard, BM25, character n-grams,
 * embeddings, MMR, random; any of them under a token budget), and render them as chat turns or a
 * plain-text prompt.
 */
export type { Example, SelectedExample } from './example.js';
export type { ExampleSelector, SelectOptions } from './example-selector.js';
export { readExamplePool } from './read-example-pool.js';
export type { ExamplePoolFile, MalformedLine, MalformedLineReason, ReadExamplePoolOptions } from './read-example-pool.js';
export { createExamplePool, DEFAULT_NGRAM_SIZES } from './example-pool.js';
export type { ExamplePool, ExamplePoolOptions, ExamplePoolProgress } from './example-pool.js';
export { TermSetIndex } from './term-set-index.js';
export type { TermSetMatch, TermSetQuery } from './term-set-index.js';
export { characterNgrams } from './character-ngrams.js';
export { createJaccardSelector } from './jaccard-selector.js';
export { createBm25Selector } from './bm25-selector.js';
export type { Bm25SelectorOptions } from './bm25-selector.js';
export { createNgramSelector } from './ngram-selector.js';
export { createEmbeddingSelector } from './embedding-selector.js';
export { createMmrSelector, DEFAULT_MMR_CANDIDATES, DEFAULT_MMR_LAMBDA } from './mmr-selector.js';
export type { MmrDiversity, MmrSelectorOptions } from './mmr-selector.js';
export { createRandomSelector } from './random-selector.js';
export type { RandomSelectorOptions } from './random-selector.js';
export { withTokenBudget, DEFAULT_TOKEN_BUDGET_OVERFETCH } from './token-budget.js';
export type { TokenBudgetOptions } from './token-budget.js';
export { createExampleSelector, EXAMPLE_SELECTOR_NAMES } from './create-example-selector.js';
export type { ExampleSelectorName, ExampleSelectorSettings } from './create-example-selector.js';
export { renderFewShotMessages, DEFAULT_FEW_SHOT_MESSAGE_TEMPLATE } from './few-shot-messages.js';
export type { FewShotMessage, FewShotMessageTemplate, RenderFewShotMessagesOptions } from './few-shot-messages.js';
export { createFewShotPrompt, FEW_SHOT_PROMPT_TEMPLATES } from './few-shot-prompt.js';
export type { FewShotPromptOptions, FewShotPromptTemplate } from './few-shot-prompt.js';
