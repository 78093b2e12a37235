import { describe, expect, it } from 'vitest';
import { createTrainerLogParser, type TrainerEvent } from './trainer-log.js';

function parseAll(chunks: string[]): TrainerEvent[] {
  const parser = createTrainerLogParser();
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.flush()];
}

describe('createTrainerLogParser', () => {
  it('reads the step total, the training bar, metrics and the final summary; other bars are phases', () => {
    const events = parseAll([
      '[INFO|2025-01-01 10:00:00] llamafactory.data.loader:143 >> Loading dataset law_sft.jsonl...\n',
      'Running tokenizer on dataset: 100%|██████████| 3/3 [00:00<00:00, 312.50 examples/s]\n',
      '***** Running training *****\n  Num examples = 3\n  Total optimization steps = 1,000\n',
      '  0%|          | 0/1000 [00:00<?, ?it/s]\r  0%|          | 1/1000 [00:01<16:39,  1.00s/it]\r  0%|          | 1/1000 [00:01<16:39,  1.00s/it]',
      '\r  1%|          | 10/1000 [00:10<16:30,  1.00s/it]\n',
      "{'loss': 2.3456, 'grad_norm': 0.8123, 'learning_rate': 9.5e-05, 'epoch': 0.01}\n",
      // Evaluation bar: no description, another total.
      '100%|██████████| 5/5 [00:01<00:00,  4.00it/s]\n',
      // Recent transformers quote the values.
      "{'loss': '1.5', 'learning_rate': '5e-05', 'epoch': '0.5'}\n",
      "{'train_runtime': 120.5, 'train_samples_per_second': 3.2, 'train_steps_per_second': 0.8, 'train_loss': 1.75, 'epoch': 1.0}\n",
    ]);
    expect(events).toEqual([
      { type: 'log-line', line: '[INFO|2025-01-01 10:00:00] llamafactory.data.loader:143 >> Loading dataset law_sft.jsonl...' },
      { type: 'phase', label: 'Running tokenizer on dataset', done: 3, total: 3 },
      { type: 'log-line', line: '***** Running training *****' },
      { type: 'log-line', line: 'Num examples = 3' },
      { type: 'log-line', line: 'Total optimization steps = 1,000' },
      { type: 'train-start', totalSteps: 1000 },
      { type: 'step', step: 0, totalSteps: 1000 },
      // The repeated redraw of step 1 is reported once.
      { type: 'step', step: 1, totalSteps: 1000 },
      { type: 'step', step: 10, totalSteps: 1000 },
      { type: 'metrics', metrics: { loss: 2.3456, grad_norm: 0.8123, learning_rate: 9.5e-5, epoch: 0.01 } },
      { type: 'phase', label: 'evaluation', done: 5, total: 5 },
      { type: 'metrics', metrics: { loss: 1.5, learning_rate: 5e-5, epoch: 0.5 } },
      { type: 'train-end', metrics: { train_runtime: 120.5, train_samples_per_second: 3.2, train_steps_per_second: 0.8, train_loss: 1.75, epoch: 1 } },
    ]);
  });

  it('joins lines split across chunks and strips colour codes', () => {
    expect(parseAll(["{'loss': 1.2", "3, 'epoch': 0.2}\n\u001b[32m 50%|█████     | 2/4 [00:02<00:02]\u001b[0m"])).toEqual([
      { type: 'metrics', metrics: { loss: 1.23, epoch: 0.2 } },
      { type: 'step', step: 2, totalSteps: 4 },
    ]);
  });
});

describe('createTrainerLogParser, live', () => {
  it('reports a complete tqdm bar as soon as it is drawn, not at the next redraw', () => {
    const parser = createTrainerLogParser();
    expect(parser.push('\r 25%|██▌       | 1/4 [00:01<00:03,  1.00s/it]')).toEqual([{ type: 'step', step: 1, totalSteps: 4 }]);
    expect(parser.push('\r 50%|█████     | 2/4 [00:02<00:02,')).toEqual([]);
    expect(parser.push('  1.00s/it]')).toEqual([{ type: 'step', step: 2, totalSteps: 4 }]);
    expect(parser.flush()).toEqual([]);
  });
});
