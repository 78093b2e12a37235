import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

/**
 * A stand-in for `llamafactory-cli train <yaml>`: prints what LLaMA-Factory 0.9 on transformers
 * 4.4x prints (logger lines and metrics dicts on stdout, tqdm redraws with \r on stderr), records
 * its arguments and environment, and exits with $FAKE_TRAINER_EXIT.
 */
const FAKE_TRAINER = `
import fs from 'node:fs';
const [, , command, recipe] = process.argv;
fs.writeFileSync(process.env.FAKE_TRAINER_RECORD, JSON.stringify({ command, recipe, unbuffered: process.env.PYTHONUNBUFFERED }));
const out = (text) => process.stdout.write(text);
const err = (text) => process.stderr.write(text);
out('[INFO|2025-03-01 10:00:00] llamafactory.hparams.parser:355 >> Process rank: 0, world size: 1, device: cuda:0, n_gpu: 1\\n');
err('Running tokenizer on dataset: 100%|██████████| 2/2 [00:00<00:00, 250.00 examples/s]\\n');
out('***** Running training *****\\n  Num examples = 2\\n  Num Epochs = 2\\n  Total optimization steps = 4\\n');
for (let step = 1; step <= 4; step += 1) {
  err('\\r ' + String(step * 25).padStart(3) + '%|██▌       | ' + step + '/4 [00:0' + step + '<00:03,  1.00s/it]');
  if (step % 2 === 0) out("{'loss': " + (2.5 - step / 4) + ", 'grad_norm': 0.9, 'learning_rate': " + (step === 2 ? '5e-05' : '0.0') + ", 'epoch': " + step / 2 + '}\\n');
}
if (process.env.FAKE_TRAINER_EXIT !== '0') {
  err('\\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\\n');
  process.exit(Number(process.env.FAKE_TRAINER_EXIT));
}
out("\\n{'train_runtime': 4.2, 'train_samples_per_second': 0.95, 'train_steps_per_second': 0.95, 'train_loss': 1.875, 'epoch': 2.0}\\n");
`;

function trainingFolder(): string {
  const directory = temporaryDirectory();
  writeFiles(directory, {
    'fake-llamafactory-cli.mjs': FAKE_TRAINER,
    'recipe.yaml': 'model_name_or_path: Qwen/Qwen2.5-0.5B\nstage: sft\noutput_dir: saves/run1\n',
  });
  return directory;
}

describe('hangjia train plan', () => {
  it('writes the recipe for an exported folder and prints the exact command', async () => {
    const directory = temporaryDirectory();
    writeFiles(directory, { 'qa.jsonl': '{"instruction":"试用期多久","input":"","output":"不超过六个月"}\n' });
    expect((await runCliCaptured(['data', 'export', 'qa.jsonl', '--layout', 'sharegpt', '--out', 'lf', '--name', 'law_qa'], { home: directory, cwd: directory })).code).toBe(0);
    const run = await runCliCaptured(['train', 'plan', 'lf', '--model', 'Qwen/Qwen2.5-7B-Instruct', '--qlora', '--epochs', '2'], { home: directory, cwd: directory });
    expect([run.code, run.stderr]).toEqual([0, '']);
    const recipeFile = path.join(directory, 'lf', 'train-sft-qlora.yaml');
    expect(YAML.parse(fs.readFileSync(recipeFile, 'utf8'))).toEqual({
      model_name_or_path: 'Qwen/Qwen2.5-7B-Instruct',
      trust_remote_code: true,
      stage: 'sft',
      do_train: true,
      finetuning_type: 'lora',
      lora_rank: 16,
      lora_alpha: 32,
      lora_target: 'all',
      quantization_bit: 4,
      dataset: 'law_qa',
      dataset_dir: path.join(directory, 'lf'),
      template: 'qwen',
      cutoff_len: 2048,
      output_dir: path.join(directory, 'lf', 'saves', 'qwen2.5-7b-instruct-qlora-sft'),
      logging_steps: 10,
      save_steps: 500,
      plot_loss: true,
      overwrite_output_dir: true,
      report_to: 'none',
      per_device_train_batch_size: 2,
      gradient_accumulation_steps: 8,
      learning_rate: 1e-4,
      num_train_epochs: 2,
      lr_scheduler_type: 'cosine',
      warmup_ratio: 0.1,
      bf16: true,
    });
    expect(fs.readFileSync(recipeFile, 'utf8')).toMatch(/^# LLaMA-Factory QLoRA sft recipe written by hangjia train plan \(medium model defaults\)\.\n# Run: llamafactory-cli train .*\n\n### model\n/u);
    expect(run.stdout).toBe(
      [
        `wrote ${recipeFile}`,
        'train with:',
        `  llamafactory-cli train ${recipeFile}`,
        'or let hangjia follow it:',
        `  hangjia train launch ${recipeFile}`,
        `then serve the adapter (${path.join(directory, 'lf', 'saves', 'qwen2.5-7b-instruct-qlora-sft')}):`,
        `  hangjia train serve-config ${recipeFile}`,
        '',
      ].join('\n'),
    );
  });

  it('for several GPUs writes the DeepSpeed config and the torchrun command', async () => {
    const directory = temporaryDirectory();
    writeFiles(directory, { 'lf/dataset_info.json': JSON.stringify({ law_qa: { file_name: 'law_qa.jsonl', formatting: 'sharegpt', columns: { messages: 'conversations' } } }), 'lf/law_qa.jsonl': '' });
    const run = await runCliCaptured(['train', 'plan', 'lf', '--model', 'Qwen/Qwen2.5-14B-Instruct', '--gpus', '2', '--out', 'run.yaml', '--json'], { home: directory, cwd: directory });
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { command: string; deepspeed: { file: string } };
    expect(plan.command).toBe(`FORCE_TORCHRUN=1 NPROC_PER_NODE=2 llamafactory-cli train ${path.join(directory, 'run.yaml')}`);
    expect(plan.deepspeed.file).toBe(path.join(directory, 'ds_z2_config.json'));
    const zero = JSON.parse(fs.readFileSync(plan.deepspeed.file, 'utf8')) as { zero_optimization: { stage: number }; gradient_accumulation_steps: string };
    expect([zero.zero_optimization.stage, zero.gradient_accumulation_steps]).toEqual([2, 'auto']);
    expect((YAML.parse(fs.readFileSync(path.join(directory, 'run.yaml'), 'utf8')) as Record<string, unknown>).deepspeed).toBe(plan.deepspeed.file);
  });

  it('a dataset name missing from dataset_info.json is a usage error naming what exists', async () => {
    const directory = temporaryDirectory();
    writeFiles(directory, { 'lf/dataset_info.json': JSON.stringify({ law_qa: { file_name: 'law_qa.jsonl', formatting: 'sharegpt', columns: { messages: 'conversations' } } }) });
    const run = await runCliCaptured(['train', 'plan', 'lf', '--model', 'Qwen/Qwen2.5-7B', '--dataset', 'law_qa,medical'], { home: directory, cwd: directory });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`Error: "medical" is not in ${path.join(directory, 'lf', 'dataset_info.json')}, which lists: law_qa. Pick from those, or export the data first with hangjia data export. [E_DATASET]\n`);
  });

  it('data export --layout hybrid feeds a single-stage pt recipe', async () => {
    const directory = temporaryDirectory();
    writeFiles(directory, { 'mix.jsonl': '{"messages":[{"role":"user","content":"试用期多久"},{"role":"assistant","content":"不超过六个月"}]}\n' });
    const missingTemplate = await runCliCaptured(['data', 'export', 'mix.jsonl', '--layout', 'hybrid', '--out', 'lf'], { home: directory, cwd: directory });
    expect([missingTemplate.code, missingTemplate.stderr]).toEqual([2, 'Error: --layout hybrid needs --chat-template: the template of the model you will tune (qwen, llama3, chatglm, plain). [E_USAGE]\n']);
    const exported = await runCliCaptured(['data', 'export', 'mix.jsonl', '--layout', 'hybrid', '--chat-template', 'llama3', '--out', 'lf', '--name', 'law_hybrid'], { home: directory, cwd: directory });
    expect(exported.code).toBe(0);
    expect(fs.readFileSync(path.join(directory, 'lf/law_hybrid.jsonl'), 'utf8')).toBe(
      `${JSON.stringify({ text: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n试用期多久<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n不超过六个月<|eot_id|>' })}\n`,
    );
    const planned = await runCliCaptured(['train', 'plan', 'lf', '--model', 'meta-llama/Llama-3.1-8B-Instruct', '--json'], { home: directory, cwd: directory });
    expect(planned.code).toBe(0);
    expect((JSON.parse(planned.stdout) as { recipe: Record<string, unknown>; warnings: string[] }).recipe).toMatchObject({ stage: 'pt', template: 'llama3', dataset: 'law_hybrid', num_train_epochs: 1 });
  });
});

describe('hangjia train launch', () => {
  it('runs the trainer, parses progress and loss, writes the log into output_dir, exits 0', async () => {
    const directory = trainingFolder();
    const record = path.join(directory, 'record.json');
    const run = await runCliCaptured(['train', 'launch', 'recipe.yaml', '--json'], {
      home: directory,
      cwd: directory,
      env: { HANGJIA_LLAMAFACTORY_CLI: path.join(directory, 'fake-llamafactory-cli.mjs'), FAKE_TRAINER_RECORD: record, FAKE_TRAINER_EXIT: '0' },
    });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toEqual({
      logFile: path.join(directory, 'saves/run1/hangjia-train.log'),
      steps: { step: 4, totalSteps: 4 },
      lastMetrics: { loss: 1.5, grad_norm: 0.9, learning_rate: 0, epoch: 2 },
      trainMetrics: { train_runtime: 4.2, train_samples_per_second: 0.95, train_steps_per_second: 0.95, train_loss: 1.875, epoch: 2 },
      exitCode: 0,
      recipeFile: path.join(directory, 'recipe.yaml'),
      outputDir: path.join(directory, 'saves/run1'),
      command: `llamafactory-cli train ${path.join(directory, 'recipe.yaml')}`,
    });
    expect(JSON.parse(fs.readFileSync(record, 'utf8'))).toEqual({ command: 'train', recipe: path.join(directory, 'recipe.yaml'), unbuffered: '1' });
    const log = fs.readFileSync(path.join(directory, 'saves/run1/hangjia-train.log'), 'utf8');
    expect(log).toContain('  Total optimization steps = 4\n');
    expect(log).toContain('\r  50%|██▌       | 2/4 [00:02<00:03,  1.00s/it]');
    expect(log).toContain("{'train_runtime': 4.2,");
    // Not a TTY: one progress line per tenth. stdout and stderr are separate pipes, so metric lines
    // (stdout) and bars (stderr) are compared apart: their interleaving depends on the scheduler.
    const lines = run.stderr.split('\n');
    expect(lines.slice(0, 2)).toEqual([`running: llamafactory-cli train ${path.join(directory, 'recipe.yaml')}`, `log: ${path.join(directory, 'saves/run1/hangjia-train.log')}`]);
    expect(lines.filter((line) => line.startsWith('train '))).toEqual(['train 25% (1/4)', 'train 50% (2/4)', 'train 75% (3/4)', 'train 100% (4/4)']);
    expect(lines.filter((line) => line.startsWith('  '))).toEqual(['  loss 2 · lr 5.0e-5 · epoch 1.00', '  loss 1.5 · lr 0.0e+0 · epoch 2.00', '  done: train_loss 1.875 · epoch 2.00 · 4 s']);
    expect(lines.length).toBe(2 + 4 + 3 + 1);
  });

  it("propagates the trainer's exit status and shows its errors", async () => {
    const directory = trainingFolder();
    const run = await runCliCaptured(['train', 'launch', 'recipe.yaml', '--quiet'], {
      home: directory,
      cwd: directory,
      env: { HANGJIA_LLAMAFACTORY_CLI: path.join(directory, 'fake-llamafactory-cli.mjs'), FAKE_TRAINER_RECORD: path.join(directory, 'record.json'), FAKE_TRAINER_EXIT: '3' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n');
    expect(run.stdout).toBe(`training failed (exit 3): 4/4 steps, loss 1.5\nlog: ${path.join(directory, 'saves/run1/hangjia-train.log')}\n`);
    expect(fs.readFileSync(path.join(directory, 'saves/run1/hangjia-train.log'), 'utf8')).toContain('CUDA out of memory');
  });

  it('without llamafactory-cli prints the exact command and how to install, exit 2', async () => {
    const directory = trainingFolder();
    // runCliCaptured passes no PATH, so nothing named llamafactory-cli can be found.
    const run = await runCliCaptured(['train', 'launch', 'recipe.yaml'], { home: directory, cwd: directory });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(`llamafactory-cli train ${path.join(directory, 'recipe.yaml')}\n`);
    expect(run.stderr).toContain('llamafactory-cli is not on PATH, so nothing was started.');
    expect(run.stderr).toContain('pip install -e ".[torch,metrics]"');
    expect(fs.existsSync(path.join(directory, 'saves'))).toBe(false);
  });

  it('finds llamafactory-cli on PATH, and a wrong HANGJIA_LLAMAFACTORY_CLI is a usage error', async () => {
    const directory = trainingFolder();
    writeFiles(directory, { 'bin/llamafactory-cli': `#!${process.execPath}\nprocess.stdout.write("{'loss': 0.5, 'epoch': 1.0}\\n");\n` });
    fs.chmodSync(path.join(directory, 'bin/llamafactory-cli'), 0o755);
    const run = await runCliCaptured(['train', 'launch', 'recipe.yaml', '--json'], { home: directory, cwd: directory, env: { PATH: path.join(directory, 'bin') } });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { lastMetrics: unknown }).lastMetrics).toEqual({ loss: 0.5, epoch: 1 });
    const wrong = await runCliCaptured(['train', 'launch', 'recipe.yaml'], { home: directory, cwd: directory, env: { HANGJIA_LLAMAFACTORY_CLI: '/nowhere/llamafactory-cli' } });
    expect([wrong.code, wrong.stderr]).toEqual([2, 'Error: HANGJIA_LLAMAFACTORY_CLI is "/nowhere/llamafactory-cli", which does not exist. Point it at llamafactory-cli, or unset it to use the one on PATH. [E_PATH_NOT_FOUND]\n']);
  });
});
