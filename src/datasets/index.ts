/**
 * @module datasets — fine-tuning data: read JSONL in alpaca, sharegpt, OpenAI
 * messages and text layouts; clean (rule filters, exact and MinHash-LSH near-duplicate removal,
 * decontamination against evaluation sets, grounding against source chunks, and an optional
 * model judge on a written rubric); plan token-ratio mixes of domain and general data;
 * export for LLaMA-Factory and validate files the way it reads them.
 */
export type { DatasetFormat, DatasetRecord, DatasetTurn, TurnRole } from './dataset-record.js';
export { DATASET_FORMATS, recordText, responseText } from './dataset-record.js';
export type { DatasetProblem, ReadDatasetOptions, ReadDatasetResult } from './read-dataset.js';
export { detectFormat, parseDataset, readDatasetFile } from './read-dataset.js';
export { toJsonLines, writeFileAtomic } from './_atomic-write.js';
export type { RuleFilterOptions, RuleRejectReason } from './clean/rule-filters.js';
export { applyRuleFilters, DEFAULT_REFUSAL_PHRASES, DEFAULT_RULE_FILTER_OPTIONS, findRefusalPhrase, garbledReason, repeatedNgramShare } from './clean/rule-filters.js';
export type { ContaminationIndex, EvaluationItem } from './clean/decontaminate.js';
export { buildContaminationIndex, DEFAULT_DECONTAMINATION_NGRAM, findContamination, readEvaluationItems } from './clean/decontaminate.js';
export type { CleanGroundingOptions, CleanOptions, CleanResult, GroundingStats, RejectedRecord, RejectReason } from './clean/clean-dataset.js';
export { cleanDataset, DEFAULT_CLEAN_MIN_SUPPORT, recordChunkIds, REJECT_REASONS } from './clean/clean-dataset.js';
export type { JudgeFailure, JudgeQualityOptions, JudgeQualityResult, JudgeRejection, JudgeVerdict } from './clean/judge-quality.js';
export { DEFAULT_JUDGE_RUBRICS, DEFAULT_MIN_JUDGE_SCORE, judgeQuality } from './clean/judge-quality.js';
export type { KeepPolicy, NearDuplicateOptions, NearDuplicatePair, NearDuplicateResult } from './dedup/find-near-duplicates.js';
export { candidatePairs, findNearDuplicates } from './dedup/find-near-duplicates.js';
export type { LshParameters, LshWeights } from './dedup/lsh-parameters.js';
export { candidateProbability, DEFAULT_LSH_WEIGHTS, optimalLshParameters } from './dedup/lsh-parameters.js';
export type { MinHasher } from './dedup/minhash.js';
export { createMinHasher, estimatedJaccard, exactJaccard, shingleHashes } from './dedup/minhash.js';
export { UnionFind } from './dedup/union-find.js';
export { normalizeForDedup } from './_text.js';
export type { MixCategoryPlan, MixPlan, MixPreset, MixSource, MixSourcePlan, PlanMixOptions } from './mix/plan-mix.js';
export { MIX_PRESET_RATIOS, MIX_PRESETS, planMix, resolveRatios, sampleToTarget } from './mix/plan-mix.js';
export { renderMixReportMarkdown, renderMixReportSvg } from './mix/mix-report.js';
export type { TokenCounter } from './mix/token-counter.js';
export { estimatedTokenCounter, loadGgufTokenCounter } from './mix/token-counter.js';
export type { DatasetInfoEntry, ExportLayout, ExportOptions, ExportResult } from './export/export-dataset.js';
export { datasetInfoEntry, EXPORT_LAYOUTS, exportDataset, formatRecord } from './export/export-dataset.js';
export type { ValidateOptions, ValidationIssue, ValidationResult } from './export/validate-dataset.js';
export { validateDatasetFile } from './export/validate-dataset.js';
export type { ChatTemplateName, HybridExportOptions, HybridExportResult } from './export/hybrid-export.js';
export { CHAT_TEMPLATE_NAMES, exportHybridDataset, renderChatTemplate } from './export/hybrid-export.js';
export * from './generate/index.js';
export * from './review/index.js';
