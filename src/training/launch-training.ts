/**
 * `launchTraining`: runs `llamafactory-cli train <recipe>` and follows it.
 *
 * The trainer's stdout and stderr go, unchanged, to `<output_dir>/hangjia-train.log` (what to attach
 * to a bug report); the same text is parsed into `TrainerEvent`s for the caller's progress display.
 * The result carries the trainer's exit status, so a failed run fails the command that launched it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { HangjiaError } from '../errors/index.js';
import { createTrainerLogParser, type TrainerEvent, type TrainerMetrics } from './trainer-log.js';
import { shellCommand } from './_shell-quote.js';

/** The environment variable naming the LLaMA-Factory CLI to run instead of `llamafactory-cli` on PATH. */
export const TRAINER_CLI_VARIABLE = 'HANGJIA_LLAMAFACTORY_CLI';
/** The log file written into the recipe's `output_dir`. */
export const TRAINING_LOG_NAME = 'hangjia-train.log';

/** How to install LLaMA-Factory, for messages when it is missing. */
export const LLAMAFACTORY_INSTALL_HINT = [
  'Install LLaMA-Factory on the GPU machine (Python 3.9+, PyTorch with CUDA):',
  '  git clone --depth 1 https://github.com/hiyouga/LLaMA-Factory.git',
  '  cd LLaMA-Factory && pip install -e ".[torch,metrics]"',
  '  pip install deepspeed bitsandbytes   # for several GPUs (DeepSpeed) and QLoRA (4-bit)',
  `Then check that llamafactory-cli is on PATH, or point ${TRAINER_CLI_VARIABLE} at it.`,
].join('\n');

export interface TrainerExecutable {
  /** The program to spawn. */
  command: string;
  /** Arguments before `train <recipe>` (the script, when a Node script is run with this Node). */
  prefixArgs: string[];
}

/**
 * The trainer to run: `$HANGJIA_LLAMAFACTORY_CLI` when set (a `.js`/`.mjs`/`.cjs` file runs with
 * this Node, so wrappers and test doubles work on every OS), else `llamafactory-cli` on PATH, else
 * undefined. A variable naming a file that does not exist is an `E_PATH_NOT_FOUND` error.
 */
export function resolveTrainerExecutable(env: NodeJS.ProcessEnv = process.env): TrainerExecutable | undefined {
  const configured = env[TRAINER_CLI_VARIABLE];
  if (configured) {
    if (!fs.existsSync(configured)) {
      throw new HangjiaError('E_PATH_NOT_FOUND', `${TRAINER_CLI_VARIABLE} is "${configured}", which does not exist. Point it at llamafactory-cli, or unset it to use the one on PATH.`, {
        details: { setting: TRAINER_CLI_VARIABLE, path: configured },
      });
    }
    return /\.[cm]?js$/u.test(configured) ? { command: process.execPath, prefixArgs: [configured] } : { command: configured, prefixArgs: [] };
  }
  const found = findOnPath('llamafactory-cli', env);
  return found === undefined ? undefined : { command: found, prefixArgs: [] };
}

function findOnPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const directory of (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = path.join(directory, program + extension);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return undefined;
}

/** What `launchTraining` needs from the recipe, read without LLaMA-Factory. */
export interface RecipeSummary {
  recipeFile: string;
  outputDir: string;
  /** True when the recipe names a DeepSpeed config (several GPUs: FORCE_TORCHRUN is set). */
  usesDeepspeed: boolean;
  model?: string;
}

/** Reads the fields of a LLaMA-Factory YAML recipe that launching and serving need; `output_dir` is resolved against `cwd`. */
export function readRecipe(recipeFile: string, cwd: string): RecipeSummary {
  const file = path.resolve(cwd, recipeFile);
  if (!fs.existsSync(file)) throw new HangjiaError('E_PATH_NOT_FOUND', `No recipe at ${file}. Write one with: hangjia train plan <dataset_dir> --model <model>`, { details: { path: file } });
  let recipe: unknown;
  try {
    recipe = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new HangjiaError('E_USAGE', `${file} is not valid YAML: ${(cause as Error).message}`, { details: { path: file }, cause });
  }
  const fields = (recipe ?? {}) as Record<string, unknown>;
  if (typeof fields.output_dir !== 'string' || fields.output_dir === '') {
    throw new HangjiaError('E_USAGE', `${file} has no output_dir; LLaMA-Factory needs one to save the adapter.`, { details: { path: file, setting: 'output_dir' } });
  }
  return {
    recipeFile: file,
    outputDir: path.resolve(cwd, fields.output_dir),
    usesDeepspeed: typeof fields.deepspeed === 'string' && fields.deepspeed !== '',
    ...(typeof fields.model_name_or_path === 'string' ? { model: fields.model_name_or_path } : {}),
  };
}

/** The command a user would type for `recipeFile`, with FORCE_TORCHRUN for DeepSpeed recipes. */
export function trainCommand(recipe: RecipeSummary): string {
  return shellCommand('llamafactory-cli', ['train', recipe.recipeFile], recipe.usesDeepspeed ? { FORCE_TORCHRUN: '1' } : {});
}

export interface LaunchTrainingOptions {
  recipe: RecipeSummary;
  executable: TrainerExecutable;
  /** Working directory of the trainer (relative paths in a hand-written recipe resolve against it). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Every parsed event, in order. */
  onEvent?: (event: TrainerEvent) => void;
}

export interface LaunchTrainingResult {
  /** The trainer's exit status; 128 + signal number when it was killed by a signal. */
  exitCode: number;
  signal?: NodeJS.Signals;
  logFile: string;
  /** Last step seen and its total, when the training bar appeared. */
  steps?: { step: number; totalSteps: number };
  /** The last logged metrics (`loss`, `learning_rate`, `epoch`, …). */
  lastMetrics?: TrainerMetrics;
  /** The final summary (`train_loss`, `train_runtime`, …) of a finished run. */
  trainMetrics?: TrainerMetrics;
}

/**
 * Spawns the trainer, writes its output to `<output_dir>/hangjia-train.log`, and resolves when it
 * exits (never rejects for a failing run: see `exitCode`). Rejects with `E_TRAINER_START` when the
 * program cannot be started at all.
 */
export async function launchTraining(options: LaunchTrainingOptions): Promise<LaunchTrainingResult> {
  const { recipe, executable } = options;
  fs.mkdirSync(recipe.outputDir, { recursive: true });
  const logFile = path.join(recipe.outputDir, TRAINING_LOG_NAME);
  const log = fs.createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    // Python buffers stdout when it is a pipe; without this, progress arrives in bursts minutes late.
    PYTHONUNBUFFERED: '1',
    ...(recipe.usesDeepspeed && !(options.env ?? process.env).FORCE_TORCHRUN ? { FORCE_TORCHRUN: '1' } : {}),
  };
  const result: Omit<LaunchTrainingResult, 'exitCode'> = { logFile };
  const emit = (events: TrainerEvent[]): void => {
    for (const event of events) {
      if (event.type === 'step') result.steps = { step: event.step, totalSteps: event.totalSteps };
      else if (event.type === 'metrics') result.lastMetrics = event.metrics;
      else if (event.type === 'train-end') result.trainMetrics = event.metrics;
      options.onEvent?.(event);
    }
  };
  const child = spawn(executable.command, [...executable.prefixArgs, 'train', recipe.recipeFile], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // One parser per stream: tqdm writes to stderr while metrics go to stdout, and their partial lines must not mix.
  for (const stream of [child.stdout, child.stderr]) {
    const parser = createTrainerLogParser();
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      log.write(chunk);
      emit(parser.push(chunk));
    });
    stream.on('end', () => emit(parser.flush()));
  }
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', (cause) => reject(new HangjiaError('E_TRAINER_START', `Could not start ${executable.command}: ${cause.message}`, { details: { path: executable.command }, cause })));
    child.on('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => new Promise<void>((resolve) => log.end(resolve)));
  const exitCode = outcome.code ?? (outcome.signal ? 128 + (os.constants.signals[outcome.signal] ?? 0) : 1);
  return { ...result, exitCode, ...(outcome.signal ? { signal: outcome.signal } : {}) };
}
