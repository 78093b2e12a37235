import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { HangjiaError } from '../errors/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { deepspeedConfig } from './deepspeed-config.js';
import { planTraining, renderRecipeYaml, writeTrainingPlan } from './plan-training.js';
import { llamaFactoryTemplateFor, parameterBillionsFromName } from './training-defaults.js';

const temporaryDirectory = useTemporaryDirectories();

/** A folder as `hangjia data export` leaves it: one sharegpt and one text dataset. */
function exportedFolder(): string {
  const directory = temporaryDirectory();
  writeFiles(directory, {
    'dataset_info.json': JSON.stringify({
      law_sft: { file_name: 'law_sft.jsonl', formatting: 'sharegpt', columns: { messages: 'conversations' }, tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt', system_tag: 'system' } },
      law_alpaca: { file_name: 'law_alpaca.jsonl', formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system', history: 'history' } },
      law_text: { file_name: 'law_text.jsonl', columns: { prompt: 'text' } },
      law_hybrid: { file_name: 'law_hybrid.jsonl', columns: { prompt: 'text' } },
    }),
    'law_sft.jsonl': '{"conversations":[{"from":"human","value":"问"},{"from":"gpt","value":"答"}]}\n',
    'law_alpaca.jsonl': '{"instruction":"问","input":"","output":"答"}\n',
    'law_text.jsonl': '{"text":"第一条"}\n',
    'law_hybrid.jsonl': '{"text":"<|im_start|>user\\n问<|im_end|>\\n<|im_start|>assistant\\n答<|im_end|>\\n"}\n',
  });
  return directory;
}

describe('planTraining', () => {
  it('picks the 4–15B defaults for a 7B Qwen model and writes exactly the LoRA SFT recipe', () => {
    const directory = exportedFolder();
    const plan = planTraining({ datasetDir: directory, model: 'Qwen/Qwen2.5-7B-Instruct', datasets: ['law_sft', 'law_alpaca'], recipeFile: path.join(directory, 'train.yaml') });
    writeTrainingPlan(plan);
    expect(YAML.parse(fs.readFileSync(path.join(directory, 'train.yaml'), 'utf8'))).toEqual({
      model_name_or_path: 'Qwen/Qwen2.5-7B-Instruct',
      trust_remote_code: true,
      stage: 'sft',
      do_train: true,
      finetuning_type: 'lora',
      lora_rank: 16,
      lora_alpha: 32,
      lora_target: 'all',
      dataset: 'law_sft,law_alpaca',
      dataset_dir: directory,
      template: 'qwen',
      cutoff_len: 2048,
      output_dir: path.join(directory, 'saves', 'qwen2.5-7b-instruct-lora-sft'),
      logging_steps: 10,
      save_steps: 500,
      plot_loss: true,
      overwrite_output_dir: true,
      report_to: 'none',
      per_device_train_batch_size: 2,
      // Global batch 16 = 2 per device × 8 steps × 1 GPU.
      gradient_accumulation_steps: 8,
      learning_rate: 1e-4,
      num_train_epochs: 3,
      lr_scheduler_type: 'cosine',
      warmup_ratio: 0.1,
      bf16: true,
    });
    expect(plan.command).toBe(`llamafactory-cli train ${path.join(directory, 'train.yaml')}`);
    expect(plan.warnings).toEqual([]);
    expect(fs.existsSync(path.join(directory, 'ds_z2_config.json'))).toBe(false);
  });

  it('QLoRA on 4 GPUs: quantization_bit 4, a ZeRO-2 config beside the recipe, accumulation split across GPUs', () => {
    const directory = exportedFolder();
    const plan = planTraining({ datasetDir: directory, model: 'Qwen/Qwen2.5-72B-Instruct', method: 'qlora', gpus: 4, datasets: ['law_sft'], recipeFile: path.join(directory, 'train.yaml') });
    writeTrainingPlan(plan);
    const recipe = YAML.parse(fs.readFileSync(path.join(directory, 'train.yaml'), 'utf8')) as Record<string, unknown>;
    expect(recipe).toMatchObject({ quantization_bit: 4, deepspeed: path.join(directory, 'ds_z2_config.json'), per_device_train_batch_size: 1, gradient_accumulation_steps: 4, learning_rate: 5e-5 });
    expect(JSON.parse(fs.readFileSync(path.join(directory, 'ds_z2_config.json'), 'utf8'))).toEqual(deepspeedConfig(2));
    expect(deepspeedConfig(2)).toMatchObject({ train_micro_batch_size_per_gpu: 'auto', bf16: { enabled: 'auto' }, zero_optimization: { stage: 2, contiguous_gradients: true } });
    expect(plan.command).toBe(`FORCE_TORCHRUN=1 NPROC_PER_NODE=4 llamafactory-cli train ${path.join(directory, 'train.yaml')}`);
  });

  it('a 70B LoRA on 8 GPUs gets ZeRO-3, which gathers the adapter weights on save', () => {
    const directory = exportedFolder();
    const plan = planTraining({ datasetDir: directory, model: 'meta-llama/Llama-3.1-70B-Instruct', gpus: 8, datasets: ['law_sft'], recipeFile: path.join(directory, 'train.yaml') });
    expect(plan.recipe).toMatchObject({ template: 'llama3', deepspeed: path.join(directory, 'ds_z3_config.json'), gradient_accumulation_steps: 2 });
    expect(plan.deepspeed?.config).toMatchObject({ zero_optimization: { stage: 3, stage3_gather_16bit_weights_on_model_save: true } });
  });

  it('names the missing datasets and the ones that exist', () => {
    const directory = exportedFolder();
    const error = (() => {
      try {
        return planTraining({ datasetDir: directory, model: 'Qwen/Qwen2.5-7B', datasets: ['law_sft', 'medical', 'tax'], recipeFile: path.join(directory, 'train.yaml') });
      } catch (caught) {
        return caught;
      }
    })() as HangjiaError;
    expect(HangjiaError.is(error, 'E_DATASET')).toBe(true);
    expect(error.message).toBe(`"medical", "tax" are not in ${path.join(directory, 'dataset_info.json')}, which lists: law_sft, law_alpaca, law_text, law_hybrid. Pick from those, or export the data first with hangjia data export.`);
  });

  it('refuses text and instruction data in one stage, and pt on instruction data, pointing at the hybrid export', () => {
    const directory = exportedFolder();
    const recipeFile = path.join(directory, 'train.yaml');
    expect(() => planTraining({ datasetDir: directory, model: 'Qwen/Qwen2.5-7B', recipeFile })).toThrow(/law_text, law_hybrid are pre-training text and law_sft, law_alpaca are instruction data\. .*--layout hybrid/u);
    expect(() => planTraining({ datasetDir: directory, model: 'Qwen/Qwen2.5-7B', datasets: ['law_sft'], stage: 'pt', recipeFile })).toThrow('--stage pt would train only on the prompts of law_sft, never on the answers.');
    expect(() => planTraining({ datasetDir: directory, model: 'Qwen/Qwen2.5-7B', datasets: ['law_text'], stage: 'sft', recipeFile })).toThrow('--stage sft needs instruction data');
    expect(() => planTraining({ datasetDir: temporaryDirectory(), model: 'Qwen/Qwen2.5-7B', recipeFile })).toThrow(/^No dataset_info\.json in /u);
  });

  it('infers pt for text datasets and warns when a hybrid export was rendered for another model family', () => {
    const directory = exportedFolder();
    const recipeFile = path.join(directory, 'train.yaml');
    const qwen = planTraining({ datasetDir: directory, model: 'Qwen/Qwen2.5-1.5B', datasets: ['law_text', 'law_hybrid'], recipeFile });
    expect(qwen.recipe).toMatchObject({ stage: 'pt', num_train_epochs: 1, learning_rate: 2e-4, per_device_train_batch_size: 4, gradient_accumulation_steps: 4 });
    expect(qwen.warnings).toEqual([]);
    const llama = planTraining({ datasetDir: directory, model: 'meta-llama/Meta-Llama-3-8B', datasets: ['law_hybrid'], recipeFile });
    expect(llama.warnings).toEqual([
      'dataset "law_hybrid" holds instructions rendered with the qwen (ChatML) chat template, but the recipe trains template "llama3"; render with the tuned model\'s template (hangjia data export --layout hybrid --chat-template …).',
    ]);
  });

  it('asks for --template and --params when the model name says nothing', () => {
    const directory = exportedFolder();
    expect(() => planTraining({ datasetDir: directory, model: '/models/my-model', datasets: ['law_sft'], recipeFile: path.join(directory, 't.yaml') })).toThrow(/Cannot tell the chat template of "\/models\/my-model".*pass --template/u);
    const plan = planTraining({ datasetDir: directory, model: '/models/my-model', template: 'default', datasets: ['law_sft'], recipeFile: path.join(directory, 't.yaml') });
    expect(plan.warnings).toEqual(['Cannot tell the size of "/models/my-model" from its name; used the 4–15B defaults. Pass --params <billions> to pick others.']);
  });
});

describe('renderRecipeYaml', () => {
  it('writes exponents PyYAML reads as floats, in LLaMA-Factory sections', () => {
    expect(renderRecipeYaml({ model_name_or_path: 'm', learning_rate: 5e-7, lora_rank: 8 }, ['header'])).toBe('# header\n\n### model\nmodel_name_or_path: m\n\n### method\nlora_rank: 8\n\n### train\nlearning_rate: 5.0e-7\n');
  });
});

describe('model names', () => {
  it('reads sizes and templates', () => {
    expect(['Qwen/Qwen2.5-7B-Instruct', 'Qwen2.5-0.5B', 'mistralai/Mixtral-8x7B-v0.1', 'THUDM/glm-4-9b-chat', 'SmolLM-135M', 'my-model'].map(parameterBillionsFromName)).toEqual([7, 0.5, 56, 9, 0.135, undefined]);
    expect(['Qwen/Qwen3-8B', 'Qwen/Qwen2.5-7B', 'meta-llama/Llama-3.1-8B-Instruct', 'THUDM/glm-4-9b-chat', 'THUDM/chatglm3-6b', '01-ai/Yi-1.5-9B-Chat', 'gpt2'].map(llamaFactoryTemplateFor)).toEqual([
      'qwen3', 'qwen', 'llama3', 'glm4', 'chatglm3', 'yi', undefined,
    ]);
  });
});
