import readline from 'node:readline';
import { groupSeed } from '../exam/index.js';
import { JsonlAppender, openGenericRunDirectory, writeRunSummary } from '../_run-directory.js';
import type { PairwiseItem, PairwiseOutcome } from './pairwise-item.js';
import { summarizePairwiseOutcomes, type PairwiseSummary } from './pairwise-summary.js';

/** The records file of a human review. */
export const PAIRWISE_DECISIONS_FILE = 'decisions.jsonl';

/** A reviewer's key: the answer shown first is `g`ood (better), the `s`ame, or `b`ad (worse). */
export type ReviewKey = 'g' | 's' | 'b';

/** One line of `decisions.jsonl`. */
export interface PairwiseDecision {
  id: string;
  /** Which answer was shown as 回答 1. */
  shownFirst: 'A' | 'B';
  key: ReviewKey;
  /** The key mapped back to A's point of view. */
  outcome: PairwiseOutcome;
  decidedAt: string;
}

/** Options for {@link reviewPairwise}. */
export interface ReviewPairwiseOptions {
  /** Where keys are read from, one per line (the terminal; a scripted stream in tests). */
  input: NodeJS.ReadableStream;
  /** Where questions and answers are shown. */
  output: { write(text: string): unknown };
  runDirectory: string;
  /** Decides the order each pair is shown in (`groupSeed(seed, id)` is odd → B first). Default 0. */
  seed?: number;
  resamples?: number;
  clock?: () => Date;
}

export interface PairwiseReviewResult {
  runDirectory: string;
  /** Every item decided (this session or before). */
  complete: boolean;
  /** The reviewer typed q, or the input ended. */
  stopped: boolean;
  summary: PairwiseSummary;
  resumedItems: number;
  decidedItems: number;
  decisions: PairwiseDecision[];
}

/**
 * Human pairwise review in the terminal, GSB style: each pair shows the question and the two
 * answers as 回答 1 / 回答 2 in an order fixed per item by the seed (so the reviewer cannot learn
 * which system sits on which side, and a resumed session shows the same order), and the reviewer
 * types `g` (answer 1 is better), `s` (the same) or `b` (answer 1 is worse); `q` stops. Decisions
 * are appended to `decisions.jsonl` one by one; running again over the same directory continues
 * with the undecided items. The summary is the same as the judged one (win rate of A, GSB).
 *
 * @example
 * await reviewPairwise(items, { input: process.stdin, output: process.stderr, runDirectory: 'runs/pairwise.a-vs-b.human' });
 */
export async function reviewPairwise(items: readonly PairwiseItem[], options: ReviewPairwiseOptions): Promise<PairwiseReviewResult> {
  const { input, output, runDirectory, seed = 0 } = options;
  const clock = options.clock ?? (() => new Date());
  const opened = openGenericRunDirectory<{ formatVersion: 1; mode: 'human'; seed: number; createdAt: string }, PairwiseDecision>(
    runDirectory,
    { formatVersion: 1, mode: 'human', seed, createdAt: clock().toISOString() },
    ['formatVersion', 'mode', 'seed'],
    PAIRWISE_DECISIONS_FILE,
  );
  const decided = new Map(opened.records.map((decision) => [decision.id, decision]));
  const pending = items.filter((item) => !decided.has(item.id));
  const resumedItems = items.length - pending.length;
  const lines = readline.createInterface({ input, terminal: false, crlfDelay: Infinity });
  const next = lines[Symbol.asyncIterator]();
  const writer = new JsonlAppender<PairwiseDecision>(runDirectory, PAIRWISE_DECISIONS_FILE);
  let decidedItems = 0;
  let stopped = false;
  try {
    review: for (const [index, item] of pending.entries()) {
      const shownFirst: 'A' | 'B' = (groupSeed(seed, item.id) & 1) === 1 ? 'B' : 'A';
      const [one, two] = shownFirst === 'A' ? [item.answerA, item.answerB] : [item.answerB, item.answerA];
      output.write(
        `\n[${resumedItems + index + 1}/${items.length}] ${item.id}\n问题 Question:\n${item.question}\n` +
          (item.reference === undefined ? '' : `\n参考答案 Reference:\n${item.reference}\n`) +
          `\n── 回答 1 Answer 1 ──\n${one}\n\n── 回答 2 Answer 2 ──\n${two}\n\n`,
      );
      for (;;) {
        output.write('g = 回答 1 更好 (1 is better)  s = 差不多 (same)  b = 回答 1 更差 (1 is worse)  q = 退出 (quit) > ');
        const line = await next.next();
        if (line.done === true) {
          stopped = true;
          output.write('\n');
          break review;
        }
        const key = line.value.trim().toLowerCase();
        if (key === 'q') {
          stopped = true;
          break review;
        }
        if (key !== 'g' && key !== 's' && key !== 'b') {
          output.write(`"${line.value.trim()}" is not one of g, s, b, q.\n`);
          continue;
        }
        const firstIsA = shownFirst === 'A';
        const outcome: PairwiseOutcome = key === 's' ? 'tie' : (key === 'g') === firstIsA ? 'win' : 'loss';
        const decision: PairwiseDecision = { id: item.id, shownFirst, key, outcome, decidedAt: clock().toISOString() };
        writer.append(decision);
        decided.set(item.id, decision);
        decidedItems += 1;
        break;
      }
    }
  } finally {
    writer.close();
    lines.close();
  }
  const decisions = items.map((item) => decided.get(item.id)).filter((decision): decision is PairwiseDecision => decision !== undefined);
  const summary = summarizePairwiseOutcomes(
    decisions.map((decision) => decision.outcome),
    { items: items.length, seed, ...(options.resamples === undefined ? {} : { resamples: options.resamples }) },
  );
  writeRunSummary(runDirectory, { mode: 'human', complete: decisions.length === items.length, summary });
  return { runDirectory, complete: decisions.length === items.length, stopped, summary, resumedItems, decidedItems, decisions };
}
