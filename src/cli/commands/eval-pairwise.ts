import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { readPairwiseAnswers, reviewPairwise, runPairwiseComparison, type PairwiseSummary } from '../../eval/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createLanguageModelFromConfig, modelSource, requireChatModel } from '../../presets/index.js';
import { EXIT } from '../_exit-codes.js';
import { catchInterrupts, reportInterrupted } from '../_interrupts.js';
import { chooseRunDirectory } from '../_run-directory.js';
import { fileDigest } from '../../support/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: {
    name: 'pairwise',
    description:
      'Compare two answer files (JSONL: id?, question, answer) question by question: a model judge in both orders (a win only when both orders agree, else a tie), or --human review in the terminal (g/s/b). Prints A\'s win rate with a bootstrap 95% interval. Re-running the same --run-dir resumes; Ctrl-C stops a judged run with the judgments so far saved (exit 130).',
  },
  args: {
    a: { type: 'positional', description: 'Answers of system A (JSONL)', required: true },
    b: { type: 'positional', description: 'Answers of system B (JSONL)', required: true },
    rubric: { type: 'string', description: 'A text file with the judging rubric (default: the built-in one — accuracy, grounding, completeness, clarity — in the question\'s language)' },
    human: { type: 'boolean', description: 'Review the pairs yourself: g = answer 1 better, s = same, b = answer 1 worse, q = quit (resumable)' },
    'judge-model': { type: 'string', description: 'Judge with this model name at the configured endpoint instead of model.model' },
    concurrency: { type: 'string', description: 'Pairs judged at once (default 2)' },
    limit: { type: 'string', description: 'Only the first N pairs' },
    seed: { type: 'string', description: 'Seed of the intervals and of the order pairs are shown in for --human (default 0)' },
    'run-dir': { type: 'string', description: 'Where judgments are saved (default $HANGJIA_HOME/runs/pairwise.<a>-vs-<b>.<judge model|human>; a run there with another judge, endpoint, rubric or answers goes to <that>.<digest>). A run here with other settings is an error' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const fileA = path.resolve(session.cwd, args.a);
    const fileB = path.resolve(session.cwd, args.b);
    const seed = numberFlag('seed', args.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 0;
    const { items: all, skipped } = readPairwiseAnswers(fileA, fileB);
    for (const entry of skipped.slice(0, 10)) terminal.warn(`Skipped ${entry.message}`);
    if (skipped.length > 10) terminal.warn(`Skipped ${skipped.length} answers in all.`);
    const limit = numberFlag('limit', args.limit, { min: 1, max: Number.MAX_SAFE_INTEGER });
    const items = limit === undefined ? all : all.slice(0, limit);
    const slug = (text: string): string => text.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '');
    const name = (file: string): string => slug(path.basename(file).replace(/\.jsonl?$/i, ''));
    const rubric = args.rubric === undefined ? undefined : readRubric(path.resolve(session.cwd, args.rubric));

    if (args.human) {
      const runDirectory = chooseRunDirectory(loaded.config, session.cwd, args['run-dir'], `pairwise.${name(fileA)}-vs-${name(fileB)}.human`).directory;
      terminal.info(`Review: ${items.length} pairs; answers are shown in a fixed random order per question; decisions go to ${runDirectory}.`);
      const result = await reviewPairwise(items, { input: session.stdin, output: session.streams.stderr, runDirectory, seed });
      if (!result.complete) terminal.info(`Stopped with ${result.summary.pending} pairs left; run the same command again to continue.`);
      return print(result.summary, runDirectory, 'human');
    }

    requireChatModel(loaded.config.model, 'A judged comparison needs a chat model, and model.provider is "none". Configure one (HANGJIA_MODEL_PROVIDER, HANGJIA_BASE_URL, HANGJIA_MODEL), or review the pairs yourself with --human.');
    const judge: LanguageModel = createLanguageModelFromConfig(args['judge-model'] === undefined ? loaded.config.model : { ...loaded.config.model, model: args['judge-model'] });
    const chosen = chooseRunDirectory(loaded.config, session.cwd, args['run-dir'], `pairwise.${name(fileA)}-vs-${name(fileB)}.${slug(path.basename(judge.modelId))}`);
    terminal.info(`Pairwise: ${items.length} pairs; judge ${judge.provider} "${judge.modelId}", both orders; rubric ${args.rubric ?? 'built-in'}`);
    // Ctrl-C (or SIGTERM) stops the run the way a failing judge does: nothing new starts, the pairs
    // in flight are dropped unjudged, and judgments.jsonl keeps every pair that finished.
    const interrupts = catchInterrupts();
    try {
      const result = await runPairwiseComparison(items, {
        model: judge,
        runDirectory: chosen.directory,
        onIdentityMismatch: chosen.onIdentityMismatch,
        ...(modelSource(loaded.config.model) === undefined ? {} : { judgeEndpoint: modelSource(loaded.config.model)! }),
        inputDigest: fileDigest(fileA, fileB),
        seed,
        ...(rubric === undefined ? {} : { rubric }),
        concurrency: numberFlag('concurrency', args.concurrency, { min: 1, max: 64 }) ?? 2,
        signal: interrupts.signal,
        onProgress: ({ done, total }) => terminal.progress('judge', done, total),
      });
      terminal.endProgress();
      const { runDirectory } = result;
      if (result.runDirectoryNote !== undefined) terminal.info(`Run directory: ${result.runDirectoryNote}`);
      if (result.resumedItems > 0) terminal.info(`Resumed: ${result.resumedItems} pairs were already judged in ${runDirectory}.`);
      const saved = `${result.records.length} judged pairs are saved in ${runDirectory}`;
      if (result.failure !== undefined && !reportInterrupted(interrupts, session, terminal, saved)) {
        session.exitCode = EXIT.failure;
        terminal.warn(`Error: judging ${result.failure.id} failed: ${result.failure.message} [${result.failure.code}]. ${saved}; run the same command again to resume.`);
      }
      print(result.summary, runDirectory, 'judge', result.summary);
    } finally {
      interrupts.dispose();
      await (judge as LanguageModel & { dispose?: () => Promise<void> }).dispose?.();
    }

    function print(summary: PairwiseSummary, runDirectory: string, mode: 'human' | 'judge', judged?: { consistent: number; preferredFirstShown: number; preferredSecondShown: number }): void {
      if (terminal.json) {
        terminal.outJson({ a: fileA, b: fileB, mode, runDirectory, skipped: skipped.map(({ path: file, line, id, reason }) => ({ path: file, line, id, reason })), summary });
        return;
      }
      const interval = summary.confidenceInterval === null ? '—' : `[${summary.confidenceInterval[0].toFixed(4)}, ${summary.confidenceInterval[1].toFixed(4)}]`;
      terminal.out(`pairs       ${summary.decided} of ${summary.items}`);
      terminal.out(`A vs B      ${summary.wins} wins, ${summary.ties} ties, ${summary.losses} losses`);
      terminal.out(`win rate    ${summary.winRate === null ? '—' : summary.winRate.toFixed(4)}  ${Math.round(summary.confidenceLevel * 100)}% CI ${interval}  (ties count half)`);
      terminal.out(`GSB         ${summary.gsb === null ? '—' : summary.gsb.toFixed(4)}  ((wins − losses) / pairs)`);
      if (judged !== undefined) {
        terminal.out(`consistency ${judged.consistent} of ${summary.decided} pairs judged alike in both orders; single verdicts preferred the first-shown answer ${judged.preferredFirstShown}, the second ${judged.preferredSecondShown}`);
      }
      terminal.out(`run         ${runDirectory}`);
    }
  },
});

function readRubric(file: string): string {
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (text !== '') return text;
  } catch (error) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read the rubric file ${file}: ${(error as Error).message}.`, { details: { path: file }, cause: error });
  }
  throw new HangjiaError('E_USAGE', `The rubric file ${file} is empty: write the criteria the judge should apply, or drop --rubric for the built-in rubric.`, { details: { path: file } });
}
