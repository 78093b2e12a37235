/**
 * Hyperparameter defaults by model size, chosen in one place.
 *
 * LoRA's sensitivity to the learning rate grows with the model: the LLaMA-Factory examples use
 * 1e-4 for 7–8B models; smaller models tolerate 2e-4 and 30B+ models are usually tuned at 5e-5.
 * Every class aims at the same global batch of 16 sequences (batch × accumulation × GPUs), trading
 * per-device batch for accumulation as memory gets tighter. Rank 16 / alpha 32 (alpha = 2 × rank)
 * is a common middle ground between LLaMA-Factory's example rank 8 and the rank 64 of the QLoRA
 * paper; raise it for large domain shifts.
 */

/** What one size class sets. */
export interface TrainingHyperparameters {
  /** LoRA rank r (1–256). */
  loraRank: number;
  /** LoRA scaling alpha; the update is scaled by alpha / r. */
  loraAlpha: number;
  /** Peak learning rate of the cosine schedule. */
  learningRate: number;
  /** Sequences per GPU per step. */
  batchSize: number;
  /** Global batch (batch × accumulation × GPUs) the accumulation is chosen for. */
  globalBatchSize: number;
}

export type ModelSizeClass = 'small' | 'medium' | 'large' | 'xlarge';

/** Size classes by parameters in billions: small < 4, medium < 15, large < 40, xlarge beyond. */
export const TRAINING_DEFAULTS: Readonly<Record<ModelSizeClass, TrainingHyperparameters>> = {
  small: { loraRank: 16, loraAlpha: 32, learningRate: 2e-4, batchSize: 4, globalBatchSize: 16 },
  medium: { loraRank: 16, loraAlpha: 32, learningRate: 1e-4, batchSize: 2, globalBatchSize: 16 },
  large: { loraRank: 16, loraAlpha: 32, learningRate: 5e-5, batchSize: 1, globalBatchSize: 16 },
  xlarge: { loraRank: 16, loraAlpha: 32, learningRate: 5e-5, batchSize: 1, globalBatchSize: 16 },
};

/** Per-stage defaults: instruction data is seen 3 times (LLaMA-Factory's examples), pre-training text once. */
export const STAGE_DEFAULTS = {
  sft: { epochs: 3, cutoffLength: 2048 },
  pt: { epochs: 1, cutoffLength: 2048 },
} as const;

export function sizeClassOf(parameterBillions: number): ModelSizeClass {
  if (parameterBillions < 4) return 'small';
  if (parameterBillions < 15) return 'medium';
  if (parameterBillions < 40) return 'large';
  return 'xlarge';
}

/**
 * Parameters in billions read from a model name (`Qwen/Qwen2.5-7B-Instruct` → 7, `Qwen2.5-0.5B` →
 * 0.5, `Mixtral-8x7B` → 56, `glm-4-9b-chat` → 9, `TinyLlama-1.1B-500M` → 1.1), or undefined.
 */
export function parameterBillionsFromName(model: string): number | undefined {
  const name = model.split(/[\\/]/u).pop() ?? model;
  const experts = /(?:^|[-_.])(\d+)x(\d+(?:\.\d+)?)b(?=$|[-_.])/iu.exec(name);
  if (experts) return Number(experts[1]) * Number(experts[2]);
  const billions = /(?:^|[-_.])(\d+(?:\.\d+)?)b(?=$|[-_.])/iu.exec(name);
  if (billions) return Number(billions[1]);
  const millions = /(?:^|[-_.])(\d+(?:\.\d+)?)m(?=$|[-_.])/iu.exec(name);
  return millions ? Number(millions[1]) / 1000 : undefined;
}

/**
 * The LLaMA-Factory `template` for a model name, or undefined when the name says nothing we know.
 * Template names as in src/llamafactory/data/template.py; most specific patterns first.
 */
export function llamaFactoryTemplateFor(model: string): string | undefined {
  const name = model.toLowerCase();
  for (const [pattern, template] of TEMPLATE_PATTERNS) if (pattern.test(name)) return template;
  return undefined;
}

const TEMPLATE_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/qwen3/u, 'qwen3'],
  [/qwen/u, 'qwen'],
  [/llama-?3/u, 'llama3'],
  [/llama-?2/u, 'llama2'],
  [/glm-?4/u, 'glm4'],
  [/chatglm3/u, 'chatglm3'],
  [/baichuan-?2/u, 'baichuan2'],
  [/internlm2/u, 'intern2'],
  [/(^|\/)yi-/u, 'yi'],
  [/mistral|mixtral/u, 'mistral'],
  [/gemma/u, 'gemma'],
];
