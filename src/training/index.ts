/**
 * @module training — hand fine-tuning data to LLaMA-Factory and follow the run: LoRA/QLoRA recipes
 * (with DeepSpeed ZeRO configs for several GPUs), launching `llamafactory-cli train` with parsed
 * progress and a log file, and the way back into hangjia (GGUF LoRA for llama.cpp, or vLLM).
 * hangjia never trains by itself; see docs/training.md.
 */
export type { ModelSizeClass, TrainingHyperparameters } from './training-defaults.js';
export { llamaFactoryTemplateFor, parameterBillionsFromName, sizeClassOf, STAGE_DEFAULTS, TRAINING_DEFAULTS } from './training-defaults.js';
export type { ZeroStage } from './deepspeed-config.js';
export { deepspeedConfig } from './deepspeed-config.js';
export type { LlamaFactoryRecipe, PlanTrainingOptions, TrainingPlan, TrainingStage, TuningMethod } from './plan-training.js';
export { planTraining, renderRecipeYaml, writeTrainingPlan } from './plan-training.js';
export type { TrainerEvent, TrainerLogParser, TrainerMetrics } from './trainer-log.js';
export { createTrainerLogParser } from './trainer-log.js';
export type { LaunchTrainingOptions, LaunchTrainingResult, RecipeSummary, TrainerExecutable } from './launch-training.js';
export { launchTraining, LLAMAFACTORY_INSTALL_HINT, readRecipe, resolveTrainerExecutable, trainCommand, TRAINER_CLI_VARIABLE, TRAINING_LOG_NAME } from './launch-training.js';
export type { AdapterServingGuide, AdapterServingOptions } from './adapter-serving.js';
export { adapterServingGuide, BASE_GGUF_PLACEHOLDER } from './adapter-serving.js';
