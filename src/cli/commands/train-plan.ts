import path from 'node:path';
import { defineCommand } from 'citty';
import { adapterServingGuide, planTraining, writeTrainingPlan, type TrainingStage } from '../../training/index.js';
import { COMMON_ARGS, listFlag, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'plan', description: 'Write a LLaMA-Factory LoRA/QLoRA recipe (YAML, plus a DeepSpeed config for several GPUs) for an exported dataset folder' },
  args: {
    dir: { type: 'positional', description: 'Dataset folder with dataset_info.json (from hangjia data export)', required: true },
    model: { type: 'string', description: 'Base model: Hugging Face id or local directory (model_name_or_path)', required: true },
    dataset: { type: 'string', description: 'Dataset names from dataset_info.json, comma-separated (default: all)' },
    stage: { type: 'enum', options: ['sft', 'pt'], description: 'sft (instructions) or pt (text, hybrid exports); default: what the datasets are' },
    qlora: { type: 'boolean', description: 'QLoRA: load the base model in 4 bits (quantization_bit: 4)' },
    template: { type: 'string', description: 'LLaMA-Factory template (default: from the model name: qwen, qwen3, llama3, glm4, …)' },
    gpus: { type: 'string', description: 'GPUs on the training machine (default 1; above 1 writes a DeepSpeed ZeRO config)' },
    zero: { type: 'enum', options: ['2', '3'], description: 'DeepSpeed ZeRO stage for several GPUs (default 2; 3 for 40B+ LoRA)' },
    params: { type: 'string', description: 'Model size in billions of parameters (default: from the model name), picks the defaults' },
    'cutoff-len': { type: 'string', description: 'Tokens per sequence (default 2048)' },
    'learning-rate': { type: 'string', description: 'Peak learning rate (default by size: 2e-4 <4B, 1e-4 <15B, 5e-5 beyond)' },
    epochs: { type: 'string', description: 'Epochs (default 3 for sft, 1 for pt)' },
    'batch-size': { type: 'string', description: 'Sequences per GPU per step (default by size: 4, 2, 1)' },
    'gradient-accumulation': { type: 'string', description: 'Steps per update (default: global batch 16 / (batch × GPUs))' },
    'lora-rank': { type: 'string', description: 'LoRA rank (default 16; alpha defaults to 2 × rank)' },
    fp16: { type: 'boolean', description: 'fp16 instead of bf16 (GPUs older than Ampere: V100, T4)' },
    'output-dir': { type: 'string', description: 'Where LLaMA-Factory saves the adapter (default <recipe dir>/saves/<model>-<method>-<stage>)' },
    out: { type: 'string', description: 'The recipe file to write (default <dir>/train-<stage>-<method>.yaml)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal } = openSession(data, args);
    const datasetDir = path.resolve(session.cwd, args.dir);
    const method = args.qlora ? 'qlora' : 'lora';
    const loraRank = numberFlag('lora-rank', args['lora-rank'], { min: 1, max: 1024 });
    const overrides = {
      ...optional('cutoffLength', numberFlag('cutoff-len', args['cutoff-len'], { min: 16, max: 1_048_576 })),
      ...optional('learningRate', numberFlag('learning-rate', args['learning-rate'], { min: 1e-8, max: 1 })),
      ...optional('epochs', numberFlag('epochs', args.epochs, { min: 0.01, max: 1000 })),
      ...optional('batchSize', numberFlag('batch-size', args['batch-size'], { min: 1, max: 4096 })),
      ...optional('gradientAccumulation', numberFlag('gradient-accumulation', args['gradient-accumulation'], { min: 1, max: 4096 })),
      ...(loraRank === undefined ? {} : { loraRank, loraAlpha: loraRank * 2 }),
    };
    const gpus = numberFlag('gpus', args.gpus, { min: 1, max: 1024 });
    const params = numberFlag('params', args.params, { min: 0.01, max: 10_000 });
    // Plan first with a provisional file name, so the default name can carry the inferred stage.
    const provisional = { datasetDir, model: args.model, method, recipeFile: path.join(datasetDir, 'train.yaml') } as const;
    const shared = {
      ...provisional,
      ...(args.dataset ? { datasets: listFlag(args.dataset) } : {}),
      ...(args.stage ? { stage: args.stage as TrainingStage } : {}),
      ...(args.template ? { template: args.template } : {}),
      ...(gpus === undefined ? {} : { gpus }),
      ...(args.zero ? { zeroStage: Number(args.zero) as 2 | 3 } : {}),
      ...(params === undefined ? {} : { parameterBillions: params }),
      ...(args['output-dir'] ? { outputDir: path.resolve(session.cwd, args['output-dir']) } : {}),
      ...(args.fp16 ? { precision: 'fp16' as const } : {}),
      overrides,
    };
    const stage = planTraining(shared).recipe.stage as TrainingStage;
    const recipeFile = args.out ? path.resolve(session.cwd, args.out) : path.join(datasetDir, `train-${stage}-${method}.yaml`);
    const plan = planTraining({ ...shared, recipeFile });
    for (const warning of plan.warnings) terminal.warn(`warning: ${warning}`);
    writeTrainingPlan(plan, [`LLaMA-Factory ${method === 'qlora' ? 'QLoRA' : 'LoRA'} ${stage} recipe written by hangjia train plan (${plan.sizeClass} model defaults).`]);
    const serving = adapterServingGuide({ adapterDir: String(plan.recipe.output_dir), baseModel: args.model });
    if (terminal.json) return terminal.outJson({ ...plan, serveConfig: `hangjia train serve-config ${plan.recipeFile}`, serving });
    terminal.out(`wrote ${plan.recipeFile}`);
    if (plan.deepspeed) terminal.out(`wrote ${plan.deepspeed.file}`);
    terminal.out(`train with:\n  ${plan.command}`);
    terminal.out(`or let hangjia follow it:\n  hangjia train launch ${plan.recipeFile}`);
    terminal.out(`then serve the adapter (${plan.recipe.output_dir}):\n  hangjia train serve-config ${plan.recipeFile}`);
  },
});

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
