import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createDefaultComponents, createLanguageModelFromConfig } from '../../presets/index.js';
import { mineActions, writeActionsFile, type MiningQuestion } from '../../reasoning/index.js';
import { EXIT } from '../_exit-codes.js';
import { catchInterrupts, reportInterrupted } from '../_interrupts.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: {
    name: 'mine',
    description:
      'Mine PEARL actions from training questions with the configured chat model: proposals per question, then merged (synonyms folded, rare ones dropped, frequencies kept) into an actions file. Resumable: <out>.proposals.jsonl keeps every answered question; Ctrl-C stops it (exit 130).',
  },
  args: {
    kb: { type: 'positional', description: 'Knowledge base the questions are about (its document titles are shown to the model)', required: true },
    questions: { type: 'string', description: 'JSONL of questions: {"id"?, "question"} per line', required: true },
    out: { type: 'string', description: 'The actions file to write (YAML), e.g. actions.yaml', required: true },
    'min-frequency': { type: 'string', description: 'Drop actions proposed for fewer questions than this (default 2)' },
    limit: { type: 'string', description: 'Only the first N questions' },
    'price-per-million-tokens': { type: 'string', description: 'Price per million tokens, for a cost estimate' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const config = loaded.config;
    if (config.model.provider === 'none') {
      throw new HangjiaError('E_CONFIG', 'Mining actions needs a chat model, and none is configured (model.provider is "none"). Set HANGJIA_MODEL_PROVIDER with HANGJIA_BASE_URL and HANGJIA_MODEL, or HANGJIA_MODEL_PATH. PEARL runs without mining on the built-in starter actions.', {
        details: { setting: 'model.provider', value: 'none' },
      });
    }
    const questionsFile = path.resolve(session.cwd, args.questions);
    const limit = numberFlag('limit', args.limit, { min: 1, max: Number.MAX_SAFE_INTEGER });
    const all = readMiningQuestions(questionsFile);
    const questions = limit === undefined ? all : all.slice(0, limit);
    const out = path.resolve(session.cwd, args.out);
    const knowledgeBase = openKnowledgeBase({ home: config.home, storeUrl: config.store.url, name: args.kb }, createDefaultComponents(config));
    const documents = [...new Set(knowledgeBase.listDocuments().map((document) => document.title))];
    knowledgeBase.close();
    const model: LanguageModel = createLanguageModelFromConfig(config.model);
    const price = numberFlag('price-per-million-tokens', args['price-per-million-tokens'], { min: 0, max: 1e6 });
    const interrupts = catchInterrupts();
    try {
      terminal.info(`Mining actions from ${questions.length} questions of ${path.relative(session.cwd, questionsFile) || questionsFile} with ${model.provider}:${model.modelId}; proposals in ${out}.proposals.jsonl.`);
      const result = await mineActions(questions, {
        model,
        proposalsFile: `${out}.proposals.jsonl`,
        documents,
        signal: interrupts.signal,
        ...(price === undefined ? {} : { pricePerMillionTokens: price }),
        minFrequency: numberFlag('min-frequency', args['min-frequency'], { min: 1, max: 1e6 }) ?? 2,
        onProgress: (progress) => {
          const cost = progress.estimatedCost === undefined ? '' : ` ≈${progress.estimatedCost.toFixed(4)}`;
          terminal.progress('mine', progress.done + progress.failed, progress.total, `${progress.inputTokens + progress.outputTokens} tokens${cost}${progress.failed ? `, ${progress.failed} failed` : ''}`);
        },
      });
      terminal.endProgress();
      writeActionsFile(out, { actions: result.actions, examples: [] });
      if (result.failed.length > 0) {
        session.exitCode = EXIT.failure;
        for (const failure of result.failed.slice(0, 5)) terminal.warn(`Question ${failure.id} failed: ${failure.message} [${failure.code}]`);
        terminal.warn(`${result.failed.length} questions failed; run the same command again to retry them.`);
      }
      if (terminal.json) {
        return terminal.outJson({ out, actions: result.actions, dropped: result.dropped, resumed: result.resumed, failed: result.failed, usage: result.usage, estimatedCost: result.estimatedCost ?? null });
      }
      terminal.out(`action            frequency  parameters`);
      for (const action of result.actions) terminal.out(`${action.name.padEnd(18)}${String(action.frequency ?? 0).padStart(9)}  (${action.parameters.join(', ')})  ${action.description}`);
      if (result.dropped.length > 0) terminal.out(`dropped (rare): ${result.dropped.map((entry) => `${entry.name} ${entry.frequency}`).join(', ')}`);
      terminal.out(`tokens: ${result.usage.inputTokens} in, ${result.usage.outputTokens} out${result.estimatedCost === undefined ? '' : `; estimated cost ${result.estimatedCost.toFixed(4)}`}${result.resumed ? `; ${result.resumed} questions resumed` : ''}`);
      terminal.out(`wrote ${out}`);
    } catch (error) {
      if (reportInterrupted(interrupts, session, terminal, `proposals so far are saved in ${out}.proposals.jsonl`)) return;
      throw error;
    } finally {
      interrupts.dispose();
      await (model as LanguageModel & { dispose?: () => Promise<void> }).dispose?.();
    }
  },
});

/** `{"id"?, "question"}` per line (`input` is read as the question too); a bad line is an error naming it. */
function readMiningQuestions(file: string): MiningQuestion[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read the questions file ${file}: ${(cause as Error).message}`, { cause, details: { path: file } });
  }
  const questions: MiningQuestion[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch (cause) {
      throw new HangjiaError('E_DATASET', `${file}:${index + 1} is not JSON: ${(cause as Error).message}`, { cause, details: { path: file, line: index + 1 } });
    }
    const question = record['question'] ?? record['input'];
    if (typeof question !== 'string' || question.trim() === '') throw new HangjiaError('E_DATASET', `${file}:${index + 1} has no "question" string.`, { details: { path: file, line: index + 1 } });
    questions.push({ id: record['id'] === undefined ? String(index + 1) : String(record['id']), question });
  }
  return questions;
}
