/**
 * `planTraining`: a LLaMA-Factory LoRA/QLoRA recipe for a folder exported by `hangjia data export`.
 *
 * hangjia does not train; it hands a dataset folder to LLaMA-Factory (which runs on DeepSpeed for
 * many GPUs) with a recipe whose every value is explained here, so the run is reproducible from
 * the YAML alone. Key names are LLaMA-Factory's (src/llamafactory/hparams/*.py, the examples under
 * examples/train_lora and examples/train_qlora); LLaMA-Factory rejects keys it does not know, so
 * the recipe holds nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { writeFileAtomic } from '../datasets/index.js';
import { HangjiaError } from '../errors/index.js';
import { deepspeedConfig, type ZeroStage } from './deepspeed-config.js';
import { shellCommand } from './_shell-quote.js';
import { llamaFactoryTemplateFor, parameterBillionsFromName, sizeClassOf, STAGE_DEFAULTS, TRAINING_DEFAULTS, type ModelSizeClass, type TrainingHyperparameters } from './training-defaults.js';

export type TrainingStage = 'sft' | 'pt';
export type TuningMethod = 'lora' | 'qlora';

export interface PlanTrainingOptions {
  /** The exported folder holding dataset_info.json (LLaMA-Factory's `dataset_dir`). */
  datasetDir: string;
  /** Hugging Face id or local directory of the base model (`model_name_or_path`). */
  model: string;
  /** Names in dataset_info.json to train on (default: all of them). */
  datasets?: string[];
  /** `sft` for instruction data, `pt` for text (and hybrid exports); default: what the datasets are. */
  stage?: TrainingStage;
  /** `lora` (16-bit base) or `qlora` (4-bit bitsandbytes base, `quantization_bit: 4`). Default `lora`. */
  method?: TuningMethod;
  /** LLaMA-Factory template name; default: read from the model name (qwen, llama3, glm4, …). */
  template?: string;
  /** GPUs on the training machine (default 1); above 1 a DeepSpeed ZeRO config is written beside the recipe. */
  gpus?: number;
  /** ZeRO stage when gpus > 1: default 2, or 3 for 40B+ LoRA (the base model no longer fits one GPU). */
  zeroStage?: ZeroStage;
  /** Model size in billions of parameters; default: read from the model name. Picks the size-class defaults. */
  parameterBillions?: number;
  /** Where the YAML goes. */
  recipeFile: string;
  /** Where LLaMA-Factory writes the adapter; default `<recipe dir>/saves/<model>-<method>-<stage>`. */
  outputDir?: string;
  /** `bf16` (Ampere and newer, default) or `fp16` (V100, T4 and older). */
  precision?: 'bf16' | 'fp16';
  /** Overrides of the size-class and stage defaults. */
  overrides?: Partial<TrainingHyperparameters & { epochs: number; cutoffLength: number; gradientAccumulation: number; loggingSteps: number; saveSteps: number }>;
}

/** The recipe as LLaMA-Factory reads it; key order is the order written. */
export type LlamaFactoryRecipe = Record<string, string | number | boolean>;

export interface TrainingPlan {
  recipeFile: string;
  recipe: LlamaFactoryRecipe;
  /** The DeepSpeed config file and its content, when gpus > 1. */
  deepspeed?: { file: string; config: Record<string, unknown> };
  /** The exact command to run, pasteable into a POSIX shell. */
  command: string;
  /** Environment the command needs (FORCE_TORCHRUN, NPROC_PER_NODE for several GPUs). */
  env: Record<string, string>;
  sizeClass: ModelSizeClass;
  /** Things that work but deserve a second look. */
  warnings: string[];
}

interface DatasetInfoEntry {
  file_name?: string;
  hf_hub_url?: string;
  ms_hub_url?: string;
  formatting?: string;
  columns?: Record<string, string>;
}

const SECTIONS: ReadonlyArray<[string, readonly string[]]> = [
  ['model', ['model_name_or_path', 'trust_remote_code']],
  ['method', ['stage', 'do_train', 'finetuning_type', 'lora_rank', 'lora_alpha', 'lora_target', 'quantization_bit', 'deepspeed']],
  ['dataset', ['dataset', 'dataset_dir', 'template', 'cutoff_len']],
  ['output', ['output_dir', 'logging_steps', 'save_steps', 'plot_loss', 'overwrite_output_dir', 'report_to']],
  ['train', ['per_device_train_batch_size', 'gradient_accumulation_steps', 'learning_rate', 'num_train_epochs', 'lr_scheduler_type', 'warmup_ratio', 'bf16', 'fp16']],
];

/**
 * Builds the recipe (reads dataset_info.json; writes nothing: see `writeTrainingPlan`). Paths in the
 * recipe are absolute, so the command works from any directory; to train on another machine, copy
 * the folder and plan again there.
 *
 * Errors (`E_PATH_NOT_FOUND`, `E_DATASET`, `E_USAGE`): no dataset_info.json, names it does not
 * hold, text and instruction datasets in one stage, a model whose template cannot be inferred.
 *
 * @example
 * const plan = planTraining({ datasetDir: 'lf-data', model: 'Qwen/Qwen2.5-7B-Instruct', recipeFile: 'lf-data/train.yaml' });
 * writeTrainingPlan(plan); console.log(plan.command); // llamafactory-cli train /…/lf-data/train.yaml
 */
export function planTraining(options: PlanTrainingOptions): TrainingPlan {
  const warnings: string[] = [];
  const datasetDir = path.resolve(options.datasetDir);
  const recipeFile = path.resolve(options.recipeFile);
  const info = readDatasetInfo(datasetDir);
  const available = Object.keys(info);
  const names = options.datasets?.length ? options.datasets : available;
  if (names.length === 0) {
    throw new HangjiaError('E_DATASET', `${path.join(datasetDir, 'dataset_info.json')} lists no datasets; export one with: hangjia data export <file> --layout sharegpt --out ${datasetDir}`, {
      details: { path: datasetDir },
    });
  }
  const missing = names.filter((name) => !Object.hasOwn(info, name));
  if (missing.length) {
    throw new HangjiaError(
      'E_DATASET',
      `${missing.map((name) => `"${name}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${path.join(datasetDir, 'dataset_info.json')}, which lists: ${available.join(', ') || '(nothing)'}. Pick from those, or export the data first with hangjia data export.`,
      { details: { path: datasetDir, setting: 'datasets', value: missing, available } },
    );
  }
  for (const name of names) {
    const fileName = info[name]!.file_name;
    if (fileName !== undefined && !fs.existsSync(path.join(datasetDir, fileName))) warnings.push(`dataset "${name}": ${path.join(datasetDir, fileName)} does not exist yet; LLaMA-Factory will fail to load it.`);
  }

  const stage = resolveStage(names, info, options.stage, datasetDir);
  const method = options.method ?? 'lora';
  const template = options.template ?? llamaFactoryTemplateFor(options.model);
  if (template === undefined) {
    throw new HangjiaError('E_USAGE', `Cannot tell the chat template of "${options.model}" from its name; pass --template with a LLaMA-Factory template name (qwen, qwen3, llama3, glm4, mistral, default, …: see its README's "Supported Models").`, {
      details: { setting: 'template', model: options.model },
    });
  }
  if (stage === 'pt') warnings.push(...hybridTemplateWarnings(names, info, datasetDir, template));

  const parsedBillions = options.parameterBillions ?? parameterBillionsFromName(options.model);
  if (parsedBillions === undefined) warnings.push(`Cannot tell the size of "${options.model}" from its name; used the 4–15B defaults. Pass --params <billions> to pick others.`);
  const billions = parsedBillions ?? 7;
  const sizeClass = sizeClassOf(billions);
  const hyper = { ...TRAINING_DEFAULTS[sizeClass], ...STAGE_DEFAULTS[stage], loggingSteps: 10, saveSteps: 500, ...options.overrides };
  const gpus = options.gpus ?? 1;
  const gradientAccumulation = options.overrides?.gradientAccumulation ?? Math.max(1, Math.ceil(hyper.globalBatchSize / (hyper.batchSize * gpus)));
  if (method === 'lora' && billions >= 15 && gpus === 1) warnings.push(`A ${billions}B model in 16 bits needs about ${Math.ceil(billions * 2 + 4)} GB of GPU memory before activations; consider --qlora (4-bit) or more GPUs.`);

  let deepspeed: TrainingPlan['deepspeed'];
  if (gpus > 1) {
    const zeroStage = options.zeroStage ?? (method === 'lora' && billions >= 40 ? 3 : 2);
    if (zeroStage === 3 && method === 'qlora') warnings.push('ZeRO-3 with 4-bit QLoRA needs recent bitsandbytes, transformers and DeepSpeed releases; if loading fails, use --zero 2.');
    deepspeed = { file: path.join(path.dirname(recipeFile), `ds_z${zeroStage}_config.json`), config: deepspeedConfig(zeroStage) };
  }

  const outputDir = path.resolve(options.outputDir ?? path.join(path.dirname(recipeFile), 'saves', `${modelSlug(options.model)}-${method}-${stage}`));
  const precision = options.precision ?? 'bf16';
  const recipe: LlamaFactoryRecipe = {
    model_name_or_path: options.model,
    trust_remote_code: true,
    stage,
    do_train: true,
    finetuning_type: 'lora',
    lora_rank: hyper.loraRank,
    lora_alpha: hyper.loraAlpha,
    lora_target: 'all',
    ...(method === 'qlora' ? { quantization_bit: 4 } : {}),
    ...(deepspeed ? { deepspeed: deepspeed.file } : {}),
    dataset: names.join(','),
    dataset_dir: datasetDir,
    template,
    cutoff_len: hyper.cutoffLength,
    output_dir: outputDir,
    logging_steps: hyper.loggingSteps,
    save_steps: hyper.saveSteps,
    plot_loss: true,
    overwrite_output_dir: true,
    // The Trainer otherwise reports to every installed integration, and wandb stops to ask for a key.
    report_to: 'none',
    per_device_train_batch_size: hyper.batchSize,
    gradient_accumulation_steps: gradientAccumulation,
    learning_rate: hyper.learningRate,
    num_train_epochs: hyper.epochs,
    lr_scheduler_type: 'cosine',
    warmup_ratio: 0.1,
    [precision]: true,
  };
  // llamafactory-cli starts torchrun itself when FORCE_TORCHRUN is set; NPROC_PER_NODE says how many.
  const env: Record<string, string> = gpus > 1 ? { FORCE_TORCHRUN: '1', NPROC_PER_NODE: String(gpus) } : {};
  return { recipeFile, recipe, ...(deepspeed ? { deepspeed } : {}), command: shellCommand('llamafactory-cli', ['train', recipeFile], env), env, sizeClass, warnings };
}

/** Writes the recipe YAML (with a header naming the command) and the DeepSpeed config, atomically. */
export function writeTrainingPlan(plan: TrainingPlan, header: string[] = []): void {
  writeFileAtomic(plan.recipeFile, renderRecipeYaml(plan.recipe, [...header, `Run: ${plan.command}`]));
  if (plan.deepspeed) writeFileAtomic(plan.deepspeed.file, `${JSON.stringify(plan.deepspeed.config, null, 2)}\n`);
}

/**
 * The recipe as YAML in LLaMA-Factory's example layout (`### model`, `### method`, …).
 *
 * LLaMA-Factory reads YAML with PyYAML, which follows YAML 1.1: `5e-5` (no dot) is a string there,
 * and the Trainer then fails on a string learning rate. Exponents are therefore written `5.0e-5`.
 */
export function renderRecipeYaml(recipe: LlamaFactoryRecipe, header: string[] = []): string {
  const placed = new Set<string>();
  let output = header.map((line) => `# ${line}\n`).join('');
  for (const [section, keys] of SECTIONS) {
    const part = Object.fromEntries(keys.filter((key) => Object.hasOwn(recipe, key)).map((key) => [key, recipe[key]]));
    keys.forEach((key) => placed.add(key));
    if (Object.keys(part).length) output += `\n### ${section}\n${YAML.stringify(part)}`;
  }
  const rest = Object.fromEntries(Object.entries(recipe).filter(([key]) => !placed.has(key)));
  if (Object.keys(rest).length) output += `\n### other\n${YAML.stringify(rest)}`;
  return output.replace(/^(\s*[\w.]+: )(-?\d+)e([-+]?)(\d+)$/gmu, (_, prefix: string, mantissa: string, sign: string, exponent: string) => `${prefix}${mantissa}.0e${sign || '+'}${exponent}`);
}

function readDatasetInfo(datasetDir: string): Record<string, DatasetInfoEntry> {
  const file = path.join(datasetDir, 'dataset_info.json');
  if (!fs.existsSync(file)) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `No dataset_info.json in ${datasetDir}. Export data there first: hangjia data export <file> --layout sharegpt --out ${datasetDir}`, { details: { path: file } });
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, DatasetInfoEntry>;
  } catch (cause) {
    throw new HangjiaError('E_DATASET', `${file} is not valid JSON; fix it or export again.`, { details: { path: file }, cause });
  }
}

/** Pre-training text: LLaMA-Factory reads only `columns.prompt`, with no response column. */
function isTextDataset(entry: DatasetInfoEntry): boolean {
  const columns = entry.columns ?? {};
  return entry.formatting !== 'sharegpt' && columns.prompt !== undefined && columns.response === undefined && columns.messages === undefined;
}

function resolveStage(names: string[], info: Record<string, DatasetInfoEntry>, requested: TrainingStage | undefined, datasetDir: string): TrainingStage {
  const text = names.filter((name) => isTextDataset(info[name]!));
  const instruction = names.filter((name) => !isTextDataset(info[name]!));
  const hybridHint = `To train text and instructions in one run, export them together with: hangjia data export <mix.jsonl> --layout hybrid --chat-template <model's template> --out ${datasetDir}`;
  if (text.length && instruction.length) {
    throw new HangjiaError('E_DATASET', `LLaMA-Factory trains one stage per run, but ${text.join(', ')} ${text.length === 1 ? 'is' : 'are'} pre-training text and ${instruction.join(', ')} ${instruction.length === 1 ? 'is' : 'are'} instruction data. ${hybridHint}`, {
      details: { setting: 'datasets', text, instruction },
    });
  }
  const inferred: TrainingStage = text.length ? 'pt' : 'sft';
  if (requested === 'sft' && inferred === 'pt') {
    throw new HangjiaError('E_DATASET', `--stage sft needs instruction data, but ${text.join(', ')} ${text.length === 1 ? 'is' : 'are'} pre-training text; use --stage pt.`, { details: { setting: 'stage', value: requested } });
  }
  if (requested === 'pt' && inferred === 'sft') {
    // LLaMA-Factory would train on the prompt column alone: the instructions without their answers.
    throw new HangjiaError('E_DATASET', `--stage pt would train only on the prompts of ${instruction.join(', ')}, never on the answers. Use --stage sft, or render them to text. ${hybridHint}`, {
      details: { setting: 'stage', value: requested },
    });
  }
  return requested ?? inferred;
}

/** Chat-template markers a hybrid export leaves in its text, and the LLaMA-Factory templates that match them. */
const RENDERED_MARKERS: ReadonlyArray<[string, string, readonly string[]]> = [
  ['<|im_start|>', 'qwen (ChatML)', ['qwen', 'qwen3', 'qwen3_nothink', 'yi', 'intern2', 'chatml']],
  ['<|start_header_id|>', 'llama3', ['llama3']],
  ['[gMASK]<sop>', 'chatglm (GLM-4)', ['glm4']],
];

/** Warns when a hybrid export was rendered with another model family's template than the one trained. */
function hybridTemplateWarnings(names: string[], info: Record<string, DatasetInfoEntry>, datasetDir: string, template: string): string[] {
  const warnings: string[] = [];
  for (const name of names) {
    const fileName = info[name]!.file_name;
    if (fileName === undefined) continue;
    const file = path.join(datasetDir, fileName);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) continue;
    const head = readHead(file, 64 * 1024);
    for (const [marker, rendered, templates] of RENDERED_MARKERS) {
      if (head.includes(marker) && !templates.includes(template)) {
        warnings.push(`dataset "${name}" holds instructions rendered with the ${rendered} chat template, but the recipe trains template "${template}"; render with the tuned model's template (hangjia data export --layout hybrid --chat-template …).`);
      }
    }
  }
  return warnings;
}

function readHead(file: string, bytes: number): string {
  const descriptor = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = fs.readSync(descriptor, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(descriptor);
  }
}

/** `Qwen/Qwen2.5-7B-Instruct` → `qwen2.5-7b-instruct`, for folder names. */
function modelSlug(model: string): string {
  return (model.replace(/[\\/]+$/u, '').split(/[\\/]/u).pop() ?? 'model').toLowerCase().replace(/[^\w.-]+/gu, '-') || 'model';
}
