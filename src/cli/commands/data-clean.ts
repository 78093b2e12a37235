import path from 'node:path';
import { defineCommand } from 'citty';
import {
  buildContaminationIndex,
  cleanDataset,
  DATASET_FORMATS,
  readDatasetFile,
  readEvaluationItems,
  REJECT_REASONS,
  toJsonLines,
  writeFileAtomic,
  type DatasetFormat,
  type DatasetRecord,
  type KeepPolicy,
} from '../../datasets/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'clean', description: 'Filter, deduplicate (exact and near-duplicate) and decontaminate a JSONL dataset' },
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
    ...COMMON_ARGS,
  },
  async run({ args, data, rawArgs }) {
    const { session, terminal } = openSession(data, args);
    const evaluationFiles = collectEvaluationFiles(rawArgs);
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
    const result = cleanDataset(read.records, {
      rules,
      nearDuplicates:
        threshold >= 1
          ? false
          : { threshold, ...optional('shingleSize', shingleSize), ...optional('numPermutations', permutations), ...(args.keep ? { keep: args.keep as KeepPolicy } : {}) },
      ...(contamination ? { contamination } : {}),
      onProgress: (stage, done, total) => terminal.progress(stage === 'rules' ? 'filter' : 'near-dup', done, total),
    });
    terminal.endProgress();
    const name = path.basename(args.file).replace(/\.jsonl?$/u, '');
    const outDirectory = path.resolve(session.cwd, args.out);
    const cleanFile = path.join(outDirectory, `${name}.clean.jsonl`);
    const rejectsFile = path.join(outDirectory, `${name}.rejects.jsonl`);
    const reportFile = path.join(outDirectory, `${name}.clean-report.json`);
    writeFileAtomic(cleanFile, toJsonLines(result.kept.map(rawOrNormalized)));
    const rejectLines = [
      ...read.problems.map((problem) => ({ id: `${path.basename(problem.path)}:${problem.line}`, source: { path: problem.path, line: problem.line }, reason: 'malformed', detail: problem.message })),
      ...result.rejected.map((rejection) => ({
        id: rejection.record.id,
        source: rejection.record.source,
        reason: rejection.reason,
        detail: rejection.detail,
        ...(rejection.keptId ? { keptId: rejection.keptId } : {}),
        ...(rejection.similarity === undefined ? {} : { similarity: Number(rejection.similarity.toFixed(4)) }),
        record: rawOrNormalized(rejection.record),
      })),
    ].sort((left, right) => left.source.line - right.source.line);
    writeFileAtomic(rejectsFile, toJsonLines(rejectLines));
    const counts = { input: result.counts.input + read.problems.length, malformed: read.problems.length, ...Object.fromEntries(REJECT_REASONS.map((reason) => [reason, result.counts[reason]])), kept: result.counts.kept };
    const report = { file: args.file, format: read.format, counts, nearDuplicates: result.nearDuplicateStats ?? null, decontamination: contamination ? { files: evaluationFiles, ngram: contamination.ngramSize, evaluationItems: contamination.items } : null, outputs: { clean: cleanFile, rejects: rejectsFile, report: reportFile } };
    writeFileAtomic(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    if (terminal.json) return terminal.outJson(report);
    terminal.out(`kept ${counts.kept} of ${counts.input}`);
    for (const [reason, count] of Object.entries(counts)) if (reason !== 'kept' && reason !== 'input' && count > 0) terminal.out(`  ${reason.padEnd(16)} ${count}`);
    if (result.nearDuplicateStats) terminal.debug(`MinHash-LSH: ${result.nearDuplicateStats.numPermutations} permutations, ${result.nearDuplicateStats.bands} bands × ${result.nearDuplicateStats.rows} rows, ${result.nearDuplicateStats.candidatePairs} candidate pairs, ${result.nearDuplicateStats.verifiedPairs} verified.`);
    terminal.out(`wrote ${cleanFile}`);
    terminal.out(`wrote ${rejectsFile}`);
  },
});

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
