import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { makeEvaluationSet, readTrainingChunkIds } from '../../eval/index.js';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createDefaultComponents, createLanguageModelFromConfig } from '../../presets/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: {
    name: 'make',
    description:
      'Generate a question–reference-answer set from a knowledge base with the configured chat model: each question grounded in one chunk and naming it; writes <out> and <out>.decontamination.json (the chunk ids to keep out of training data)',
  },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    out: { type: 'string', description: 'The set to write (JSONL)', required: true },
    count: { type: 'string', description: 'Questions wanted (default 50)' },
    'exclude-training': { type: 'string', description: 'A training file (JSONL) whose source chunk ids (sourceChunkId, chunkId, … or under metadata) must not be used' },
    force: { type: 'boolean', description: 'Overwrite an existing set' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const config = loaded.config;
    const out = path.resolve(session.cwd, args.out);
    const decontaminationPath = `${out.replace(/\.jsonl?$/i, '')}.decontamination.json`;
    const count = numberFlag('count', args.count, { min: 1, max: 10_000 }) ?? 50;
    if (existsSync(out) && !args.force) throw usage(`${out} already exists; choose another --out, or pass --force to overwrite it.`);
    let excluded = new Set<string>();
    let trainingFile: string | null = null;
    if (args['exclude-training']) {
      trainingFile = path.resolve(session.cwd, args['exclude-training']);
      const training = readTrainingChunkIds(trainingFile);
      if (training.linesWithIds === 0) {
        throw new HangjiaError(
          'E_USAGE',
          `The training file ${trainingFile} (${training.lines} records) names no source chunks (fields sourceChunkId, chunkId, source_chunk_id, chunk_id, or their plural, at the top level or under metadata), so overlap with it cannot be checked. Refusing to make a set that might overlap the training data; add source chunk ids to the training records.`,
          { details: { path: trainingFile, lines: training.lines } },
        );
      }
      excluded = training.chunkIds;
      terminal.info(`Excluding ${excluded.size} chunks used by ${training.linesWithIds} of ${training.lines} training records in ${trainingFile}.`);
    }
    if (config.model.provider === 'none') {
      throw new HangjiaError(
        'E_CONFIG',
        'eval make writes questions with a chat model, and none is configured (model.provider is "none"); no set was written. Configure one, e.g. HANGJIA_MODEL_PROVIDER=openai-compatible HANGJIA_BASE_URL=http://127.0.0.1:11434/v1 HANGJIA_MODEL=qwen2.5:7b-instruct; check it with: hangjia models test',
        { details: { setting: 'model.provider', value: 'none' } },
      );
    }
    const knowledgeBase = openKnowledgeBase({ home: config.home, storeUrl: config.store.url, name: args.kb }, createDefaultComponents(config));
    const model: LanguageModel = createLanguageModelFromConfig(config.model);
    try {
      terminal.info(`Make: ${count} questions from knowledge base ${args.kb} with ${model.provider} "${model.modelId}" → ${out}`);
      const set = await makeEvaluationSet(knowledgeBase, {
        model,
        count,
        excludeChunkIds: excluded,
        onProgress: (progress) => terminal.progress('make', progress.done, progress.total, `${progress.kept} kept`),
      });
      terminal.endProgress();
      if (set.questions.length === 0) {
        const skipped = Object.entries(set.skipped).filter(([, value]) => value > 0).map(([reason, value]) => `${reason} ${value}`);
        throw new HangjiaError(
          'E_NO_ITEMS',
          `0 of ${count} questions made from ${set.picked} chunks picked (skipped: ${skipped.join(', ') || 'none'}); no set was written. "model-output": the model's replies were not the JSON asked for; "ungrounded": its answers were not found in the chunk. Check the model with "hangjia models test", or try a larger or instruction-tuned model.`,
          { details: { path: out, wanted: count, picked: set.picked, skipped: set.skipped } },
        );
      }
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, set.questions.map((question) => `${JSON.stringify(question)}\n`).join(''));
      const decontamination = {
        formatVersion: 1,
        knowledgeBase: args.kb,
        set: out,
        model: `${model.provider}:${model.modelId}`,
        chunkIds: [...set.usedChunkIds].sort(),
        excludedTrainingFile: trainingFile,
        excludedChunks: excluded.size,
        note: 'Chunk ids this evaluation set was generated from: training data must not use them.',
      };
      writeFileSync(decontaminationPath, `${JSON.stringify(decontamination, null, 2)}\n`);
      const skipped = Object.entries(set.skipped).filter(([, value]) => value > 0);
      if (terminal.json) return terminal.outJson({ out, decontamination: decontaminationPath, questions: set.questions.length, chunks: set.chunks, picked: set.picked, skipped: set.skipped, usedChunkIds: decontamination.chunkIds });
      terminal.out(`questions   ${set.questions.length} of ${count} wanted, from ${set.picked} chunks picked of ${set.chunks}`);
      terminal.out(`skipped     ${skipped.length === 0 ? 'none' : skipped.map(([reason, value]) => `${reason} ${value}`).join(', ')}`);
      terminal.out(`set         ${out}`);
      terminal.out(`decontam.   ${decontaminationPath} (${decontamination.chunkIds.length} chunk ids to keep out of training data)`);
    } finally {
      knowledgeBase.close();
      await (model as LanguageModel & { dispose?: () => Promise<void> }).dispose?.();
    }
  },
});

function usage(message: string): Error {
  return Object.assign(new Error(message), { name: 'CLIError', code: 'E_USAGE' });
}
