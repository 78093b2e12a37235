import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import {
  buildContaminationIndex,
  cleanDataset,
  DATASET_FORMATS,
  DEFAULT_CLEAN_MIN_SUPPORT,
  DEFAULT_MIN_JUDGE_SCORE,
  judgeQuality,
  readDatasetFile,
  readEvaluationItems,
  recordChunkIds,
  REJECT_REASONS,
  toJsonLines,
  writeFileAtomic,
  type DatasetFormat,
  type CleanResult,
  type DatasetRecord,
  type JudgeQualityResult,
  type KeepPolicy,
} from '../../datasets/index.js';
import { HangjiaError } from '../../errors/index.js';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createDefaultComponents, createLanguageModelFromConfig } from '../../presets/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'clean', description: 'Filter, deduplicate (exact and near-duplicate), decontaminate, check grounding and optionally model-judge a JSONL dataset' },
  args: {
    file: { type: 'positional', description: 'Dataset file (JSONL: alpaca, sharegpt, openai messages or text)', required: true },
    out: { type: 'string', description: 'Output directory (written: <name>.clean.jsonl, <name>.rejects.jsonl, <name>.clean-report.json)', required: true },
    format: { type: 'enum', options: [...DATASET_FORMATS], description: 'Force the input layout (default: detected)' },
    'near-dup-threshold': { type: 'string', description: 'Jaccard threshold for near-duplicates, 0–1 (default 0.8); 1 disables near-dup removal' },
    'shingle-size': { type: 'string', description: 'Characters per shingle (default 5)' },
    permutations: { type: 'string', description: 'MinHash permutations (default 128); bands/rows derived from the threshold' },
    keep: { type: 'enum', options: ['first', 'longest'], description: 'Which near-duplicate stays (default first)' },
    decontaminate: { type: 'string', description: 'Evaluation files to decontaminate against (one or more after the flag; put the dataset file first)' },
    ngram: { type: 'string', description: 'Decontamination n-gram in units: Chinese characters or English words (default 13)' },
    language: { type: 'enum', options: ['zh', 'en', 'any'], description: 'Required language (default any)' },
    'min-language-ratio': { type: 'string', description: 'Share of letters in that language (default 0.5)' },
    'min-chars': { type: 'string', description: 'Fewest characters (default 2)' },
    'max-chars': { type: 'string', description: 'Most characters (default 100000)' },
    kb: { type: 'string', description: 'Knowledge base to check generated items (those with chunkIds) against: answers must be supported by their source chunks' },
    'min-support': { type: 'string', description: `With --kb: least share of answer units found in the source chunks, 0–1 (default ${DEFAULT_CLEAN_MIN_SUPPORT})` },
    judge: { type: 'boolean', description: 'Score every kept item 1–5 with the configured chat model on a written rubric; low scores are rejected' },
    rubric: { type: 'string', description: 'With --judge: a file whose text replaces the default rubric' },
    'min-judge-score': { type: 'string', description: `With --judge: least score kept, 1–5 (default ${DEFAULT_MIN_JUDGE_SCORE})` },
    'judge-concurrency': { type: 'string', description: 'With --judge: judge calls at once, 1–64 (default 4)' },
    ...COMMON_ARGS,
  },
  async run({ args, data, rawArgs }) {
    const { session, terminal, loaded } = openSession(data, args);
    const evaluationFiles = collectEvaluationFiles(rawArgs);
    const minSupport = numberFlag('min-support', args['min-support'], { min: 0, max: 1 });
    if (minSupport !== undefined && !args.kb) throw new HangjiaError('E_USAGE', '--min-support needs --kb <name>: the knowledge base the items were generated from.', { details: { setting: 'min-support' } });
    const minJudgeScore = numberFlag('min-judge-score', args['min-judge-score'], { min: 1, max: 5 });
    const judgeConcurrency = numberFlag('judge-concurrency', args['judge-concurrency'], { min: 1, max: 64 });
    if (!args.judge && (args.rubric || minJudgeScore !== undefined || judgeConcurrency !== undefined)) {
      throw new HangjiaError('E_USAGE', '--rubric, --min-judge-score and --judge-concurrency only apply with --judge.', { details: { setting: 'judge' } });
    }
    if (args.judge && loaded.config.model.provider === 'none') {
      throw new HangjiaError(
        'E_CONFIG',
        'Judging quality (--judge) needs a chat model, and none is configured (model.provider is "none"). Set model.provider in hangjia.config.yaml, or HANGJIA_MODEL_PROVIDER=openai-compatible with HANGJIA_BASE_URL and HANGJIA_MODEL, or HANGJIA_MODEL_PROVIDER=llama-cpp with HANGJIA_MODEL_PATH; or drop --judge.',
        { details: { setting: 'model.provider', value: 'none' } },
      );
    }
    const rubric = args.rubric ? readRubric(path.resolve(session.cwd, args.rubric)) : undefined;
    const threshold = numberFlag('near-dup-threshold', args['near-dup-threshold'], { min: 0.01, max: 1 }) ?? 0.8;
    const shingleSize = numberFlag('shingle-size', args['shingle-size'], { min: 1, max: 64 });
    const permutations = numberFlag('permutations', args.permutations, { min: 8, max: 1024 });
    const read = readDatasetFile(path.resolve(session.cwd, args.file), args.format ? { format: args.format as DatasetFormat } : {});
    for (const problem of read.problems) terminal.warn(`${args.file}:${problem.line}: ${problem.message}`);
    terminal.info(`Read ${read.records.length} records (${read.format}${read.detected ? ', detected' : ''}) from ${args.file}; near-duplicate threshold ${threshold}${evaluationFiles.length ? `; decontaminating against ${evaluationFiles.length} file(s)` : ''}.`);
    const contamination = evaluationFiles.length
      ? buildContaminationIndex(
          evaluationFiles.flatMap((file) => readEvaluationItems(path.resolve(session.cwd, file))),
          numberFlag('ngram', args.ngram, { min: 3, max: 100 }),
        )
      : undefined;
    const rules = {
      ...(args.language ? { language: args.language as 'zh' | 'en' | 'any' } : {}),
      ...optional('minLanguageRatio', numberFlag('min-language-ratio', args['min-language-ratio'], { min: 0, max: 1 })),
      ...optional('minCharacters', numberFlag('min-chars', args['min-chars'], { min: 0, max: 1e9 })),
      ...optional('maxCharacters', numberFlag('max-chars', args['max-chars'], { min: 1, max: 1e9 })),
    };
    let knowledgeBase: KnowledgeBase | undefined;
    let model: LanguageModel | undefined;
    let result: CleanResult;
    let judged: JudgeQualityResult | undefined;
    try {
      // One lookup for every chunk any item names, instead of one query per item.
      let chunkText: ((chunkIds: readonly string[]) => string | undefined) | undefined;
      if (args.kb) {
        knowledgeBase = openKnowledgeBase({ home: loaded.config.home, storeUrl: loaded.config.store.url, name: args.kb }, createDefaultComponents(loaded.config));
        const chunks = knowledgeBase.store.chunksByIds([...new Set(read.records.flatMap(recordChunkIds))]);
        chunkText = (chunkIds) => {
          const texts = chunkIds.map((id) => chunks.get(id)?.chunk.text);
          return texts.every((text): text is string => text !== undefined) ? texts.join('\n') : undefined;
        };
      }
      result = cleanDataset(read.records, {
        rules,
        nearDuplicates:
          threshold >= 1
            ? false
            : { threshold, ...optional('shingleSize', shingleSize), ...optional('numPermutations', permutations), ...(args.keep ? { keep: args.keep as KeepPolicy } : {}) },
        ...(contamination ? { contamination } : {}),
        ...(chunkText ? { grounding: { chunkText, ...optional('minSupport', minSupport) } } : {}),
        onProgress: (stage, done, total) => terminal.progress(stage === 'rules' ? 'filter' : 'near-dup', done, total),
      });
      terminal.endProgress();
      if (result.groundingStats) terminal.info(`Grounding against "${args.kb}": ${result.groundingStats.checked} checked, ${result.groundingStats['not-checked']} without chunk ids (not checked); min support ${result.groundingStats.minSupport}.`);

      if (args.judge) {
        model = createLanguageModelFromConfig(loaded.config.model);
        const minScore = minJudgeScore ?? DEFAULT_MIN_JUDGE_SCORE;
        terminal.info(`Judging ${result.kept.length} items with ${model.provider}:${model.modelId}; rubric ${args.rubric ?? 'default'}, min score ${minScore}.`);
        const lookup = chunkText;
        judged = await judgeQuality(result.kept, {
          model,
          minScore,
          ...(rubric === undefined ? {} : { rubric }),
          ...optional('concurrency', judgeConcurrency),
          ...(lookup ? { sourceText: (record: DatasetRecord) => (recordChunkIds(record).length ? lookup(recordChunkIds(record)) : undefined) } : {}),
          onProgress: (done, total) => terminal.progress('judge', done, total),
        });
        terminal.endProgress();
        for (const failure of judged.failures) terminal.warn(`${failure.record.id}: judge failed (${failure.code}), item kept and flagged: ${failure.message}`);
      }
    } finally {
      knowledgeBase?.close();
      await (model as (LanguageModel & { dispose?: () => Promise<void> }) | undefined)?.dispose?.();
    }

    const name = path.basename(args.file).replace(/\.jsonl?$/u, '');
    const outDirectory = path.resolve(session.cwd, args.out);
    const cleanFile = path.join(outDirectory, `${name}.clean.jsonl`);
    const rejectsFile = path.join(outDirectory, `${name}.rejects.jsonl`);
    const reportFile = path.join(outDirectory, `${name}.clean-report.json`);
    const kept = judged ? judged.kept : result.kept;
    writeFileAtomic(cleanFile, toJsonLines(kept.map(rawOrNormalized)));
    const rejectLines = [
      ...read.problems.map((problem) => ({ id: `${path.basename(problem.path)}:${problem.line}`, source: { path: problem.path, line: problem.line }, reason: 'malformed', detail: problem.message })),
      ...result.rejected.map((rejection) => ({
        id: rejection.record.id,
        source: rejection.record.source,
        reason: rejection.reason,
        detail: rejection.detail,
        ...(rejection.keptId ? { keptId: rejection.keptId } : {}),
        ...(rejection.similarity === undefined ? {} : { similarity: Number(rejection.similarity.toFixed(4)) }),
        ...(rejection.support === undefined ? {} : { support: Number(rejection.support.toFixed(4)) }),
        record: rawOrNormalized(rejection.record),
      })),
      ...(judged?.rejected ?? []).map((rejection) => ({
        id: rejection.record.id,
        source: rejection.record.source,
        reason: rejection.reason,
        detail: rejection.detail,
        score: rejection.score,
        judgeReason: rejection.judgeReason,
        record: rawOrNormalized(rejection.record),
      })),
    ].sort((left, right) => left.source.line - right.source.line);
    writeFileAtomic(rejectsFile, toJsonLines(rejectLines));
    const counts = {
      input: result.counts.input + read.problems.length,
      malformed: read.problems.length,
      ...Object.fromEntries(REJECT_REASONS.map((reason) => [reason, result.counts[reason]])),
      ...(judged ? { 'judge-score': judged.counts['judge-score'] } : {}),
      kept: kept.length,
    };
    const report = {
      file: args.file,
      format: read.format,
      counts,
      nearDuplicates: result.nearDuplicateStats ?? null,
      decontamination: contamination ? { files: evaluationFiles, ngram: contamination.ngramSize, evaluationItems: contamination.items } : null,
      grounding: result.groundingStats ? { knowledgeBase: args.kb, ...result.groundingStats, ungrounded: result.counts.ungrounded, 'unknown-chunk': result.counts['unknown-chunk'] } : null,
      judge: judged
        ? {
            model: `${model!.provider}:${model!.modelId}`,
            rubric: args.rubric ?? 'default',
            minScore: minJudgeScore ?? DEFAULT_MIN_JUDGE_SCORE,
            ...judged.counts,
            // Kept, but nobody vouched for them: listed so a person can look.
            flagged: judged.failures.map((failure) => ({ id: failure.record.id, code: failure.code, message: failure.message })),
          }
        : null,
      outputs: { clean: cleanFile, rejects: rejectsFile, report: reportFile },
    };
    writeFileAtomic(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    if (terminal.json) return terminal.outJson(report);
    terminal.out(`kept ${counts.kept} of ${counts.input}`);
    for (const [reason, count] of Object.entries(counts)) if (reason !== 'kept' && reason !== 'input' && count > 0) terminal.out(`  ${reason.padEnd(16)} ${count}`);
    if (result.groundingStats) terminal.out(`grounding: ${result.groundingStats.checked} checked, ${result.groundingStats['not-checked']} not checked (no chunk ids)`);
    if (judged) terminal.out(`judge: ${judged.counts.judged} scored, ${judged.counts['judge-failed']} failed (kept, flagged in the report)`);
    if (result.nearDuplicateStats) terminal.debug(`MinHash-LSH: ${result.nearDuplicateStats.numPermutations} permutations, ${result.nearDuplicateStats.bands} bands × ${result.nearDuplicateStats.rows} rows, ${result.nearDuplicateStats.candidatePairs} candidate pairs, ${result.nearDuplicateStats.verifiedPairs} verified.`);
    terminal.out(`wrote ${cleanFile}`);
    terminal.out(`wrote ${rejectsFile}`);
  },
});

function readRubric(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (cause) {
    throw new HangjiaError('E_USAGE', `Cannot read the rubric file ${file}; give a text file with --rubric.`, { details: { path: file }, cause });
  }
  if (text === '') throw new HangjiaError('E_USAGE', `The rubric file ${file} is empty.`, { details: { path: file } });
  return text;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function rawOrNormalized(record: DatasetRecord): unknown {
  return record.raw ?? (record.kind === 'text' ? { text: record.text } : { messages: record.turns });
}

/**
 * Values of --decontaminate: every argument after the flag up to the next flag, so
 * `--decontaminate ceval.jsonl cmmlu.jsonl` names two files (citty keeps only the first).
 */
function collectEvaluationFiles(rawArgs: string[]): string[] {
  const files: string[] = [];
  for (let index = 0; index < rawArgs.length; index += 1) {
    const argument = rawArgs[index]!;
    if (argument.startsWith('--decontaminate=')) files.push(argument.slice('--decontaminate='.length));
    else if (argument === '--decontaminate') {
      while (index + 1 < rawArgs.length && !rawArgs[index + 1]!.startsWith('-')) files.push(rawArgs[(index += 1)]!);
    }
  }
  return files;
}
