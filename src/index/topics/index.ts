/** @module index/topics — word and text vectors learned from a collection's own text (PPMI + truncated SVD). */
export { TopicModel, WordSequences, DEFAULT_TOPIC_MODEL_OPTIONS, type TopicModelOptions } from './topic-model.js';
