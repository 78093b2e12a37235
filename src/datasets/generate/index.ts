/**
 * @module datasets/generate — fine-tuning items generated from knowledge-base chunks by a chat
 * model (self-QA, knowledge-guided self-instruct, evol-instruct, grounded dialogue), as a
 * resumable job; every item keeps the chunk ids it came from, and `checkGrounding` checks its
 * answer against them.
 */
export type { EvolOperation, GeneratedExchange, GenerationMethod } from './generation-method.js';
export { EVOL_OPERATIONS, GENERATION_METHODS, generationSchema } from './generation-method.js';
export type { PromptTemplates } from './prompt-templates.js';
export { CHUNK_MINIMUM_HAN_SHARE, DEFAULT_PROMPT_TEMPLATES, fillPromptTemplate, GENERATION_SYSTEM_PROMPTS, loadPromptTemplates, PROMPT_TEMPLATE_KEYS, writePromptTemplates } from './prompt-templates.js';
export { findPassageReference } from './passage-reference.js';
export type { GroundingCheck, GroundingOptions, UngroundedRecord } from './check-grounding.js';
export { checkGrounding, filterUngrounded, groundingUnits } from './check-grounding.js';
export type { GeneratedItem } from './generated-item.js';
export { generatedItemId } from './generated-item.js';
export type { SeedTask } from './seed-task.js';
export { readSeedTasks } from './seed-task.js';
export type { GenerationFailure, GenerationJobState, GenerationRejectReason } from './_job-state.js';
export { GENERATION_REJECT_REASONS, jobStatePath } from './_job-state.js';
export type { GenerateDatasetOptions, GenerateDatasetResult, GenerationChunkSource, GenerationProgress } from './generate-dataset.js';
export { generateDataset } from './generate-dataset.js';
