import path from 'node:path';
import { defineCommand } from 'citty';
import { createAnalyzer } from '../../analysis/index.js';
import { examItemsToExamples, readExam, runExam, type ExamAccuracy, type ExamItem, type ExamPromptTemplateName, type MalformedExamItem } from '../../eval/index.js';
import { createExamplePool, createExampleSelector, EXAMPLE_SELECTOR_NAMES, type ExampleSelector } from '../../examples/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createLanguageModelFromConfig, modelSource, requireChatModel } from '../../presets/index.js';
import { EXIT } from '../_exit-codes.js';
import { catchInterrupts, reportInterrupted } from '../_interrupts.js';
import { chooseRunDirectory } from '../_run-directory.js';
import { COMMON_ARGS, listFlag, numberFlag, openSession } from '../_session.js';
import { fileDigest } from '../../support/index.js';
import type { Terminal } from '../_terminal.js';

/** Malformed lines shown one by one before the rest are only counted. */
const SHOWN_SKIPPED = 10;

export default defineCommand({
  meta: {
    name: 'exam',
    description: 'Run multiple-choice exams (JSONL: id, subject, question, choices, answer) against the configured chat model; print accuracy per subject and overall with bootstrap 95% intervals. Re-running the same --run-dir resumes; Ctrl-C stops it with the answers so far saved (exit 130).',
  },
  args: {
    file: { type: 'positional', description: 'Exam files (JSONL), one or more', required: true },
    shots: { type: 'string', description: 'Solved examples per prompt (default 0; needs --dev)' },
    dev: { type: 'string', description: 'JSONL of solved items to take shots from (e.g. the dev split)' },
    selector: { type: 'enum', options: [...EXAMPLE_SELECTOR_NAMES], description: 'Choose shots per question with this selector over --dev (default: the first k dev items of the same subject)' },
    circular: { type: 'boolean', description: 'Circular evaluation: ask every rotation of the options; right only if all are' },
    concurrency: { type: 'string', description: 'Questions in flight at once (default 4)' },
    'run-dir': { type: 'string', description: 'Where answers are saved as they come (default $HANGJIA_HOME/runs/exam.<exam>.<model>.<k>shot[.<selector>][.circular]; a run there with other settings goes to <that>.<digest>). A run here with other settings (endpoint, model, shots, template…) is an error' },
    limit: { type: 'string', description: 'Only the first N items (after --subjects)' },
    subjects: { type: 'string', description: 'Only these subjects, comma-separated' },
    template: { type: 'enum', options: ['auto', 'zh', 'en'], description: 'Prompt language (default auto: Chinese for questions with Han characters)' },
    temperature: { type: 'string', description: 'Sampling temperature (default 0: greedy)' },
    'max-tokens': { type: 'string', description: 'Most tokens per reply (default 128)' },
    seed: { type: 'string', description: 'Seed of the bootstrap intervals and the random selector (default 0)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const files = [args.file, ...args._.slice(1)].map((file) => path.resolve(session.cwd, file));
    const shots = numberFlag('shots', args.shots, { min: 0, max: 50 }) ?? 0;
    const seed = numberFlag('seed', args.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 0;
    if (args.selector !== undefined && shots === 0) throw usage('--selector chooses few-shot examples: also give --shots k (k ≥ 1) and --dev <file>.');
    if (shots > 0 && !args.dev) throw usage(`--shots ${shots} needs solved examples: give --dev <file> (e.g. the exam's dev split).`);

    const seenIds = new Set<string>();
    let items: ExamItem[] = [];
    const skipped: MalformedExamItem[] = [];
    for (const file of files) {
      const exam = readExam(file, { seenIds });
      items.push(...exam.items);
      skipped.push(...exam.skipped);
    }
    reportSkipped(skipped, terminal);
    const subjects = listFlag(args.subjects);
    if (subjects.length > 0) {
      const known = new Set(items.map((item) => item.subject));
      const unknown = subjects.filter((subject) => !known.has(subject));
      if (unknown.length > 0) throw usage(`--subjects names ${unknown.join(', ')}, not in the exam; it has ${[...known].slice(0, 20).join(', ')}${known.size > 20 ? ', …' : ''}.`);
      items = items.filter((item) => subjects.includes(item.subject));
    }
    const limit = numberFlag('limit', args.limit, { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (limit !== undefined) items = items.slice(0, limit);

    const devPool = args.dev ? readExam(path.resolve(session.cwd, args.dev)) : undefined;
    if (devPool !== undefined) reportSkipped(devPool.skipped, terminal);
    let selector: ExampleSelector | undefined;
    if (args.selector !== undefined && devPool !== undefined) {
      const pool = await createExamplePool(examItemsToExamples(devPool.items), { analyzer: createAnalyzer() });
      selector = createExampleSelector(pool, args.selector, { seed });
    }

    requireChatModel(loaded.config.model, 'An exam needs a chat model, and model.provider is "none". Configure one, e.g. HANGJIA_MODEL_PROVIDER=openai-compatible HANGJIA_BASE_URL=http://127.0.0.1:11434/v1 HANGJIA_MODEL=qwen2.5:7b-instruct; check it with: hangjia models test');
    const model: LanguageModel = createLanguageModelFromConfig(loaded.config.model);
    const circular = Boolean(args.circular);
    const chosen = chooseRunDirectory(loaded.config, session.cwd, args['run-dir'], defaultRunDirectory(files, model, shots, selector?.name, circular));
    const template = (args.template ?? 'auto') as ExamPromptTemplateName;
    terminal.info(
      `Exam: ${items.length} items (${new Set(items.map((item) => item.subject)).size} subjects) from ${files.map((file) => path.relative(session.cwd, file) || file).join(', ')}; ` +
        `model ${model.provider} "${model.modelId}"; ${shots}-shot${shots > 0 ? ` (${selector?.name ?? 'fixed'})` : ''}; template ${template}; circular ${circular ? 'on' : 'off'}`,
    );
    // Ctrl-C (or SIGTERM) stops the run the way a failing endpoint does: nothing new starts, the
    // questions in flight are dropped unrecorded, and answers.jsonl keeps every answer that finished.
    const interrupts = catchInterrupts();
    try {
      const result = await runExam(items, {
        model,
        ...(modelSource(loaded.config.model) === undefined ? {} : { endpoint: modelSource(loaded.config.model)! }),
        runDirectory: chosen.directory,
        onIdentityMismatch: chosen.onIdentityMismatch,
        examDigest: fileDigest(...files),
        shots,
        ...(selector ? { selector } : {}),
        ...(devPool ? { devPool: devPool.items } : {}),
        circular,
        concurrency: numberFlag('concurrency', args.concurrency, { min: 1, max: 256 }) ?? 4,
        template,
        temperature: numberFlag('temperature', args.temperature, { min: 0, max: 2 }) ?? 0,
        maxTokens: numberFlag('max-tokens', args['max-tokens'], { min: 1, max: 32768 }) ?? 128,
        seed,
        signal: interrupts.signal,
        onProgress: (progress) => terminal.progress('exam', progress.done, progress.total, `accuracy so far ${(progress.correct / Math.max(1, progress.done)).toFixed(3)}`),
      });
      terminal.endProgress();
      const { runDirectory } = result;
      if (result.runDirectoryNote !== undefined) terminal.info(`Run directory: ${result.runDirectoryNote}`);
      if (result.resumedQuestions > 0) terminal.info(`Resumed: ${result.resumedQuestions} questions were already answered in ${runDirectory}.`);
      const saved = `${result.resumedQuestions + result.askedQuestions} answered questions are saved in ${runDirectory}`;
      if (result.failure !== undefined && !reportInterrupted(interrupts, session, terminal, saved)) {
        session.exitCode = EXIT.failure;
        terminal.warn(
          `Error: the model failed on ${result.failure.id}${circular ? ` (rotation ${result.failure.rotation})` : ''}: ${result.failure.message} [${result.failure.code}]. ` +
            `${saved}; run the same command again to resume.`,
        );
      }
      const { summary } = result;
      if (terminal.json) {
        return terminal.outJson({
          files,
          items: items.length,
          skipped: skipped.map(({ path: file, line, id, reason }) => ({ path: file, line, id: id ?? null, reason })),
          runDirectory,
          runDirectoryNote: result.runDirectoryNote ?? null,
          config: result.config,
          complete: result.complete,
          failure: result.failure ?? null,
          resumedQuestions: result.resumedQuestions,
          askedQuestions: result.askedQuestions,
          summary,
        });
      }
      const width = Math.max(7, ...Object.keys(summary.subjects).map((subject) => subject.length));
      terminal.out(`${'subject'.padEnd(width)}  items  accuracy  ${Math.round(summary.confidenceLevel * 100)}% CI            unparseable`);
      for (const [subject, accuracy] of Object.entries(summary.subjects)) terminal.out(formatRow(subject, accuracy, width));
      terminal.out(`${formatRow('overall', summary.overall, width)}   macro ${summary.overall.macroAccuracy?.toFixed(4) ?? '—'}`);
      if (summary.pendingItems > 0) terminal.out(`pending     ${summary.pendingItems} items not yet answered (re-run to resume)`);
      if (summary.unparseableIds.length > 0) terminal.out(`no answer   ${summary.unparseableIds.slice(0, 20).join(', ')}${summary.unparseableIds.length > 20 ? ` … (${summary.unparseableIds.length})` : ''}`);
      terminal.out(
        `model time  ${(summary.latencyMs.total / 1000).toFixed(1)} s over ${summary.questions} questions (p50 ${summary.latencyMs.p50?.toFixed(0) ?? '—'} ms, p95 ${summary.latencyMs.p95?.toFixed(0) ?? '—'} ms); ` +
          `tokens ${summary.usage.inputTokens} in, ${summary.usage.outputTokens} out; wall ${(result.wallMs / 1000).toFixed(1)} s`,
      );
      terminal.out(`intervals   percentile bootstrap, ${summary.resamples} resamples, seed ${summary.seed}`);
      terminal.out(`run         ${runDirectory}`);
    } finally {
      interrupts.dispose();
      await (model as LanguageModel & { dispose?: () => Promise<void> }).dispose?.();
    }
  },
});

function formatRow(name: string, accuracy: ExamAccuracy, width: number): string {
  const interval = accuracy.confidenceInterval === null ? '—'.padEnd(18) : `[${accuracy.confidenceInterval[0].toFixed(4)}, ${accuracy.confidenceInterval[1].toFixed(4)}]`;
  return `${name.padEnd(width)}  ${String(accuracy.items).padStart(5)}  ${accuracy.accuracy === null ? '—'.padStart(8) : accuracy.accuracy.toFixed(4).padStart(8)}  ${interval}  ${String(accuracy.unparseable).padStart(11)}`;
}

function reportSkipped(skipped: readonly MalformedExamItem[], terminal: Terminal): void {
  if (skipped.length === 0) return;
  for (const entry of skipped.slice(0, SHOWN_SKIPPED)) terminal.warn(`Skipped ${entry.message}`);
  const byReason = new Map<string, number>();
  for (const entry of skipped) byReason.set(entry.reason, (byReason.get(entry.reason) ?? 0) + 1);
  terminal.warn(`Skipped ${skipped.length} malformed items (${[...byReason].map(([reason, count]) => `${reason} ${count}`).join(', ')}).`);
}

/** `exam.<exam>.<model>.<k>shot[.<selector>][.circular]`: the Anserini habit of names that carry provenance. */
function defaultRunDirectory(files: readonly string[], model: LanguageModel, shots: number, selector: string | undefined, circular: boolean): string {
  const slug = (text: string): string => text.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '');
  const exam = files.map((file) => slug(`${path.basename(path.dirname(file))}-${path.basename(file).replace(/\.jsonl?$/i, '')}`)).join('+');
  const modelName = slug(path.basename(model.modelId)).replace(/\.gguf$/i, '');
  return `exam.${exam}.${modelName}.${shots}shot${shots > 0 && selector ? `.${slug(selector)}` : ''}${circular ? '.circular' : ''}`;
}

function usage(message: string): Error {
  return Object.assign(new Error(message), { name: 'CLIError', code: 'E_USAGE' });
}
