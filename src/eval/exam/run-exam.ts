import type { ExampleSelector } from '../../examples/index.js';
import { HangjiaError } from '../../errors/index.js';
import { generateText, type LanguageModel } from '../../models/index.js';
import type { ResumableRunOptions } from '../resumable-run.js';
import { examItemsDigest } from './exam-digest.js';
import { RecordWriter, openRunDirectory, writeSummary } from './_run-directory.js';
import { rotateExamItem, rotationCount } from './circular.js';
import type { ExamItem } from './exam-item.js';
import { buildExamMessages, examPromptLanguage, renderExamQuestion, type ExamPromptTemplateName } from './exam-prompt.js';
import type { ExamRecord, ExamRunConfig } from './exam-record.js';
import { summarizeExam, type ExamSummary } from './exam-statistics.js';
import { extractChoiceAnswer } from './extract-choice-answer.js';

/** Options for {@link runExam}. */
export interface RunExamOptions extends ResumableRunOptions<ExamProgress> {
  model: LanguageModel;
  /** Where `model` is served (e.g. its base URL), recorded in run.json so runs can be told apart. */
  endpoint?: string;
  /** Identifies the exam in the run's identity (e.g. `fileDigest` of the exam files). Default: a digest of `items`. */
  examDigest?: string;
  /** Solved examples per prompt, 0–50. Default 0 (zero-shot). Needs `devPool`. */
  shots?: number;
  /**
   * Chooses the shots per question from `devPool` (built over `examItemsToExamples(devPool)`).
   * Without it the shots are fixed: the first `shots` dev items of the question's subject, in file
   * order (the C-Eval / CMMLU protocol); subjects without dev items are asked zero-shot.
   */
  selector?: ExampleSelector;
  /** Solved items to draw shots from (a dev split). */
  devPool?: readonly ExamItem[];
  /** Ask every rotation of the options; an item is right only when all are (see `rotateExamItem`). Default false. */
  circular?: boolean;
  /** Questions in flight at once, 1–256. Default 4. */
  concurrency?: number;
  /** Prompt language: `zh`, `en`, or `auto` per question (Chinese when it has Han characters). Default `auto`. */
  template?: ExamPromptTemplateName;
  /** Default 0: greedy decoding, so a rerun reproduces the answers where the backend allows. */
  temperature?: number;
  /** Most tokens per reply. Default 128: enough for "答案：B" plus a sentence of reasoning. */
  maxTokens?: number;
}

/** Reported after each answered question. */
export interface ExamProgress {
  /** Questions answered, including those resumed from the run directory. */
  done: number;
  total: number;
  correct: number;
  unparseable: number;
}

/** Why a run stopped early: the model call that failed (or the abort). */
export interface ExamRunFailure {
  code: string;
  message: string;
  isRetryable: boolean;
  /** The item whose question failed. */
  id: string;
  rotation: number;
}

/** What {@link runExam} returns. */
export interface ExamRunResult {
  /** The directory used (see `onIdentityMismatch`). */
  runDirectory: string;
  /** Why another directory than the one asked for was used. */
  runDirectoryNote?: string;
  config: ExamRunConfig;
  /** Every question answered, this run's and resumed ones. */
  complete: boolean;
  /** Set when the model failed or the signal fired; the run directory keeps what finished. */
  failure?: ExamRunFailure;
  summary: ExamSummary;
  /** Questions found already answered in the run directory. */
  resumedQuestions: number;
  /** Questions asked (and answered) in this call. */
  askedQuestions: number;
  /** Damaged trailing lines dropped from `answers.jsonl` (a crash mid-write). */
  droppedLines: number;
  /** Wall time of this call in ms. */
  wallMs: number;
  records: ExamRecord[];
}

interface Question {
  item: ExamItem;
  rotation: number;
}

/**
 * Runs a multiple-choice exam against `model` and scores it: each question (item × rotation) is
 * prompted, the reply's letters are extracted and compared with the key as an exact set, and the
 * record is appended to `answers.jsonl` as soon as it completes. A re-run over the same run
 * directory (same configuration, else `E_USAGE`) skips questions already recorded, so a run
 * broken by a failing endpoint resumes where it stopped without asking anything twice.
 *
 * When the model throws, no new questions start; those in flight finish, the summary covers what
 * finished, and the result carries `failure` (`complete: false`) rather than throwing.
 *
 * @example
 * const { items } = readExam('cmmlu/test.jsonl');
 * const { items: dev } = readExam('cmmlu/dev.jsonl');
 * const result = await runExam(items, { model, shots: 5, devPool: dev, runDirectory: 'runs/exam.cmmlu.qwen.5shot' });
 * result.summary.overall; // { items, correct, accuracy, confidenceInterval: [lo, hi], unparseable, macroAccuracy }
 */
export async function runExam(items: readonly ExamItem[], options: RunExamOptions): Promise<ExamRunResult> {
  const started = performance.now();
  const { model, selector, devPool = [], circular = false, template = 'auto', temperature = 0, maxTokens = 128, seed = 0, signal, onProgress } = options;
  const shots = options.shots ?? 0;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(shots) || shots < 0 || shots > 50) {
    throw new HangjiaError('E_USAGE', `shots must be a whole number from 0 to 50; got ${shots}.`, { details: { setting: 'shots', value: shots } });
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new HangjiaError('E_USAGE', `concurrency must be a whole number from 1 to 256; got ${concurrency}.`, { details: { setting: 'concurrency', value: concurrency } });
  }
  if (shots > 0 && devPool.length === 0) {
    throw new HangjiaError('E_USAGE', `${shots}-shot prompts need solved examples: pass devPool (CLI: --dev <file>), or use shots 0.`, { details: { setting: 'shots', value: shots } });
  }

  const requested: ExamRunConfig = {
    formatVersion: 1,
    model: { provider: model.provider, modelId: model.modelId },
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    exam: options.examDigest ?? examItemsDigest(items),
    dev: shots === 0 ? null : examItemsDigest(devPool),
    template,
    shots,
    shotSelection: shots === 0 ? 'none' : (selector?.name ?? 'fixed'),
    circular,
    temperature,
    maxTokens,
    seed,
    createdAt: (options.clock ?? (() => new Date()))().toISOString(),
  };
  const opened = openRunDirectory(options.runDirectory, requested, options.onIdentityMismatch);
  const runDirectory = opened.directory;
  const finished = new Map<string, ExamRecord>();
  for (const record of opened.records) finished.set(`${record.id}#${record.rotation}`, record);

  const questions: Question[] = [];
  let resumedQuestions = 0;
  let correct = 0;
  let unparseable = 0;
  for (const item of items) {
    for (let rotation = 0; rotation < rotationCount(item, circular); rotation += 1) {
      const previous = finished.get(`${item.id}#${rotation}`);
      if (previous === undefined) {
        questions.push({ item, rotation });
        continue;
      }
      resumedQuestions += 1;
      if (previous.correct) correct += 1;
      if (previous.extracted === null) unparseable += 1;
    }
  }
  const total = resumedQuestions + questions.length;

  const devBySubject = new Map<string, ExamItem[]>();
  for (const item of devPool) {
    const list = devBySubject.get(item.subject) ?? [];
    list.push(item);
    devBySubject.set(item.subject, list);
  }
  const devById = new Map(devPool.map((item) => [item.id, item]));
  // Rotations of one item share its shots: select once.
  const shotCache = new Map<string, Promise<ExamItem[]>>();
  const shotsFor = (item: ExamItem): Promise<ExamItem[]> => {
    if (shots === 0) return Promise.resolve([]);
    let pending = shotCache.get(item.id);
    if (pending === undefined) {
      pending =
        selector === undefined
          ? Promise.resolve((devBySubject.get(item.subject) ?? []).filter((shot) => shot.id !== item.id).slice(0, shots))
          : selector
              .select(renderExamQuestion(item, examPromptLanguage(item, template)), { k: shots, exclude: (id) => id === item.id })
              .then((selected) => selected.map((choice) => devById.get(choice.example.id)).filter((shot): shot is ExamItem => shot !== undefined));
      shotCache.set(item.id, pending);
    }
    return pending;
  };

  const ask = async ({ item, rotation }: Question): Promise<ExamRecord> => {
    const shown = rotateExamItem(item, rotation);
    const shotItems = await shotsFor(item);
    const prompt = buildExamMessages(shown, { template, shots: shotItems });
    const before = performance.now();
    const reply = await generateText(model, { messages: prompt, temperature, maxTokens, ...(signal ? { abortSignal: signal } : {}) });
    const latencyMs = performance.now() - before;
    const extracted = extractChoiceAnswer(reply.text, shown.choices, { multi: shown.multi });
    return {
      id: item.id,
      subject: item.subject,
      rotation,
      prompt,
      shots: shotItems.map((shot) => shot.id),
      output: reply.text,
      extracted: extracted.letters ?? null,
      method: extracted.method,
      expected: shown.answer,
      correct: extracted.letters !== undefined && sameLetters(extracted.letters, shown.answer),
      latencyMs: Math.round(latencyMs * 1000) / 1000,
      inputTokens: reply.usage.inputTokens ?? null,
      outputTokens: reply.usage.outputTokens ?? null,
      finishReason: reply.finishReason,
    };
  };

  const writer = new RecordWriter(runDirectory);
  const records = [...finished.values()];
  let failure: ExamRunFailure | undefined;
  let next = 0;
  let askedQuestions = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < questions.length) {
      if (signal?.aborted) {
        failure ??= describeFailure(signal.reason, questions[next]!);
        return;
      }
      const question = questions[next++]!;
      let record: ExamRecord;
      try {
        record = await ask(question);
      } catch (error) {
        failure ??= describeFailure(error, question);
        return;
      }
      writer.append(record);
      records.push(record);
      askedQuestions += 1;
      if (record.correct) correct += 1;
      if (record.extracted === null) unparseable += 1;
      onProgress?.({ done: resumedQuestions + askedQuestions, total, correct, unparseable });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, questions.length) }, worker));
  } finally {
    writer.close();
  }

  const summary = summarizeExam(items, records, { circular, seed, ...(options.resamples === undefined ? {} : { resamples: options.resamples }) });
  const result: ExamRunResult = {
    runDirectory,
    ...(opened.note === undefined ? {} : { runDirectoryNote: opened.note }),
    config: opened.config,
    complete: failure === undefined && resumedQuestions + askedQuestions === total,
    ...(failure === undefined ? {} : { failure }),
    summary,
    resumedQuestions,
    askedQuestions,
    droppedLines: opened.truncatedLines,
    wallMs: performance.now() - started,
    records,
  };
  writeSummary(runDirectory, { config: result.config, complete: result.complete, failure: result.failure ?? null, summary });
  return result;
}

function sameLetters(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((letter, index) => letter === right[index]);
}

function describeFailure(error: unknown, question: Question): ExamRunFailure {
  const base = { id: question.item.id, rotation: question.rotation };
  if (HangjiaError.is(error)) return { code: error.code, message: error.message, isRetryable: error.isRetryable, ...base };
  if (error instanceof Error && error.name === 'AbortError') return { code: 'E_ABORTED', message: error.message || 'The run was aborted.', isRetryable: true, ...base };
  return { code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error), isRetryable: false, ...base };
}
