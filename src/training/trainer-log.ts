/**
 * Reads the console output of `llamafactory-cli train` (a Hugging Face Trainer) as events.
 *
 * What the Trainer prints, and how each line is recognised:
 * - The run header, `  Total optimization steps = 100` (transformers trainer.py, `_inner_training_loop`):
 *   the total of the training progress bar.
 * - tqdm bars, redrawn with `\r`: ` 12%|█▏        | 12/100 [00:30<03:40,  2.50s/it]`. The training bar
 *   has no description; data preparation bars do (`Running tokenizer on dataset: 100%|…| 1000/1000`).
 *   Once the total is known, a bar without description and another total (evaluation) is a phase.
 * - Logged metrics, a Python dict printed by ProgressCallback.on_log:
 *   `{'loss': 1.2345, 'grad_norm': 0.61, 'learning_rate': 9.5e-05, 'epoch': 0.5}`; recent
 *   transformers releases print the values quoted (`'loss': '1.2345'`), so both are accepted.
 *   The last dict carries `train_runtime` and `train_loss`.
 * Everything else is a plain log line.
 */

export type TrainerEvent =
  | { type: 'train-start'; totalSteps: number }
  | { type: 'step'; step: number; totalSteps: number }
  | { type: 'metrics'; metrics: TrainerMetrics }
  | { type: 'train-end'; metrics: TrainerMetrics }
  | { type: 'phase'; label: string; done: number; total: number }
  | { type: 'log-line'; line: string };

/** Numeric values of one logged dict; `loss`, `learning_rate`, `epoch`, `grad_norm` when present. */
export type TrainerMetrics = Record<string, number>;

export interface TrainerLogParser {
  /** Feeds a chunk of output (any split, `\r` or `\n` line ends); returns the events of completed lines. */
  push(chunk: string): TrainerEvent[];
  /** Events of a last line without a line end. */
  flush(): TrainerEvent[];
}

// ANSI colour and cursor sequences (tqdm, rich, colourised loggers).
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/gu;
const TOTAL_STEPS = /Total optimization steps\s*=\s*([\d,]+)/u;
const TQDM = /^(?:(.*?):\s*)?(\d{1,3})%\|[^|]*\|\s*(\d+)\/(\d+)/u;
const DICT = /^\{\s*'[^']+':.*\}$/u;
const DICT_ENTRY = /'([^']+)':\s*(?:'|")?([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)(?:'|")?/gu;

/**
 * A stateful parser: feed it the trainer's stdout and stderr (one parser per stream, or one for
 * both when lines are not interleaved mid-line).
 *
 * @example
 * const parser = createTrainerLogParser();
 * for (const event of parser.push("{'loss': 1.5, 'epoch': 0.1}\n")) console.log(event); // { type: 'metrics', metrics: { loss: 1.5, epoch: 0.1 } }
 */
export function createTrainerLogParser(): TrainerLogParser {
  let pending = '';
  let totalSteps: number | undefined;
  let lastStep = -1;

  const parseLine = (raw: string): TrainerEvent[] => {
    const line = raw.replace(ANSI, '').trim();
    if (line === '') return [];
    const total = TOTAL_STEPS.exec(line);
    if (total) {
      totalSteps = Number(total[1]!.replaceAll(',', ''));
      return [{ type: 'log-line', line }, { type: 'train-start', totalSteps }];
    }
    const bar = TQDM.exec(line);
    if (bar) {
      const [, label, , done, all] = bar;
      const step = Number(done);
      const barTotal = Number(all);
      if (!label && (totalSteps === undefined || barTotal === totalSteps)) {
        // tqdm redraws the same step several times a second; report each step once.
        if (step === lastStep) return [];
        lastStep = step;
        return [{ type: 'step', step, totalSteps: barTotal }];
      }
      return [{ type: 'phase', label: label || 'evaluation', done: step, total: barTotal }];
    }
    if (DICT.test(line)) {
      const metrics: TrainerMetrics = {};
      for (const [, key, value] of line.matchAll(DICT_ENTRY)) metrics[key!] = Number(value);
      if (Object.keys(metrics).length) return [{ type: Object.hasOwn(metrics, 'train_runtime') ? 'train-end' : 'metrics', metrics }];
    }
    return [{ type: 'log-line', line }];
  };

  return {
    push(chunk) {
      pending += chunk;
      const parts = pending.split(/\r\n|\r|\n/u);
      pending = parts.pop() ?? '';
      const events = parts.flatMap(parseLine);
      // tqdm writes `\r<bar>` and leaves the line open until the next redraw; a bar that is complete
      // (ends with its `]`) is reported now, not one redraw late.
      if (TQDM.test(pending.replace(ANSI, '').trim()) && /\]\s*(?:\u001b\[[0-9;?]*[A-Za-z])*$/u.test(pending)) {
        events.push(...parseLine(pending));
        pending = '';
      }
      return events;
    },
    flush() {
      const rest = pending;
      pending = '';
      return parseLine(rest);
    },
  };
}
