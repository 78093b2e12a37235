import path from 'node:path';
import { defineCommand } from 'citty';
import { GENERATION_METHODS, generateDataset, loadPromptTemplates, readSeedTasks, writePromptTemplates, type GenerateDatasetResult, type GenerationMethod } from '../../datasets/index.js';
import { HangjiaError } from '../../errors/index.js';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createDefaultComponents, createLanguageModelFromConfig } from '../../presets/index.js';
import { EXIT } from '../_exit-codes.js';
import { catchInterrupts, reportInterrupted } from '../_interrupts.js';
import { modelSource } from '../_run-directory.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'generate', description: 'Generate fine-tuning items from a knowledge base with the configured chat model (resumable: run again to continue; Ctrl-C stops it with the finished chunks saved, exit 130)' },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name (not needed with --write-prompts)', required: false },
    method: { type: 'enum', options: [...GENERATION_METHODS], description: 'self-qa | self-instruct | evol (needs --seeds) | dialogue (default self-qa)' },
    out: { type: 'string', description: 'Output JSONL; <out>.state.json beside it makes the job resumable' },
    'per-chunk': { type: 'string', description: 'Items per chunk, 1–50 (default 3)' },
    concurrency: { type: 'string', description: 'Chunks generated at once, 1–64 (default 2)' },
    'max-retries': { type: 'string', description: 'Extra calls per chunk after errors or rejected items, 0–10 (default 2)' },
    'limit-chunks': { type: 'string', description: 'Only the first N chunks (default all)' },
    seeds: { type: 'string', description: 'JSONL seed tasks: self-instruct examples, or the instructions evol rewrites' },
    prompts: { type: 'string', description: 'Folder of prompt overrides (<method>.<zh|en>.md); start from --write-prompts' },
    'write-prompts': { type: 'string', description: 'Write the default prompt templates into this folder and exit' },
    'price-per-million-tokens': { type: 'string', description: 'Price per million tokens, for a cost estimate' },
    temperature: { type: 'string', description: 'Sampling temperature 0–2 (default 0.7)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    if (args['write-prompts']) {
      const files = writePromptTemplates(path.resolve(session.cwd, args['write-prompts']));
      if (terminal.json) return terminal.outJson({ written: files });
      for (const file of files) terminal.out(`wrote ${file}`);
      return;
    }
    if (!args.kb || !args.out) {
      throw Object.assign(new Error('Give a knowledge base and --out <file.jsonl> (or --write-prompts <dir>).'), { name: 'CLIError', code: 'E_USAGE' });
    }
    const config = loaded.config;
    if (config.model.provider === 'none') {
      // Unlike `ask`, there is no extractive fallback: every item is written by a model.
      throw new HangjiaError(
        'E_CONFIG',
        'Generating data needs a chat model, and none is configured (model.provider is "none"). Set model.provider in hangjia.config.yaml, or HANGJIA_MODEL_PROVIDER=openai-compatible with HANGJIA_BASE_URL and HANGJIA_MODEL (any OpenAI-compatible endpoint: vLLM, Ollama, llama.cpp server), or HANGJIA_MODEL_PROVIDER=llama-cpp with HANGJIA_MODEL_PATH (see "hangjia model pull").',
        { details: { setting: 'model.provider', value: 'none' } },
      );
    }
    const method = (args.method ?? 'self-qa') as GenerationMethod;
    const { templates, overridden } = loadPromptTemplates(args.prompts ? path.resolve(session.cwd, args.prompts) : undefined);
    const seeds = args.seeds ? readSeedTasks(path.resolve(session.cwd, args.seeds)) : undefined;
    const perChunk = numberFlag('per-chunk', args['per-chunk'], { min: 1, max: 50 });
    const concurrency = numberFlag('concurrency', args.concurrency, { min: 1, max: 64 });
    const maxRetries = numberFlag('max-retries', args['max-retries'], { min: 0, max: 10 });
    const limitChunks = numberFlag('limit-chunks', args['limit-chunks'], { min: 1, max: 1e9 });
    const price = numberFlag('price-per-million-tokens', args['price-per-million-tokens'], { min: 0, max: 1e6 });
    const temperature = numberFlag('temperature', args.temperature, { min: 0, max: 2 });
    const output = path.resolve(session.cwd, args.out);
    const knowledgeBase = openKnowledgeBase({ home: config.home, storeUrl: config.store.url, name: args.kb }, createDefaultComponents(config));
    const model = createLanguageModelFromConfig(config.model);
    // Ctrl-C (or SIGTERM) stops the job: no new chunk starts, the calls in flight are aborted (the
    // tokens of calls already answered still count), and the output and its state keep every finished chunk.
    const interrupts = catchInterrupts();
    try {
      terminal.info(`Generating ${method} items from "${args.kb}" with ${model.provider}:${model.modelId}; ${perChunk ?? 3} per chunk, concurrency ${concurrency ?? 2}${overridden.length ? `; prompts overridden: ${overridden.join(', ')}` : ''}${seeds ? `; ${seeds.length} seeds` : ''}.`);
      const result = await generateDataset({
        kb: knowledgeBase,
        model,
        ...(modelSource(config.model) === undefined ? {} : { modelSource: modelSource(config.model)! }),
        method,
        output,
        templates,
        signal: interrupts.signal,
        ...(seeds ? { seeds } : {}),
        ...(perChunk === undefined ? {} : { perChunk }),
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(maxRetries === undefined ? {} : { maxRetries }),
        ...(limitChunks === undefined ? {} : { limitChunks }),
        ...(price === undefined ? {} : { pricePerMillionTokens: price }),
        ...(temperature === undefined ? {} : { temperature }),
        onProgress: (progress) => {
          const tokens = progress.usage.inputTokens + progress.usage.outputTokens;
          const wasted = progress.wastedUsage.inputTokens + progress.wastedUsage.outputTokens;
          const cost = progress.estimatedCost === undefined ? '' : ` ≈${progress.estimatedCost.toFixed(4)}`;
          terminal.progress('generate', progress.chunksDone + progress.chunksFailed, progress.chunksTotal, `${progress.items} items, ${tokens} tokens${wasted ? ` (${wasted} wasted)` : ''}${cost}${progress.chunksFailed ? `, ${progress.chunksFailed} failed` : ''}`);
        },
      });
      terminal.endProgress();
      const saved = `${result.items} items from ${result.chunksDone} of ${result.chunksTotal} chunks are saved in ${output} (job state ${result.stateFile})`;
      const interrupted = result.status === 'aborted' && reportInterrupted(interrupts, session, terminal, saved);
      if (!interrupted && result.status !== 'completed') session.exitCode = EXIT.failure;
      if (terminal.json) {
        terminal.outJson(result);
        if (result.items === 0 && !interrupted) throw noItemsError(result, output);
        return;
      }
      terminal.out(`${result.status}: ${result.items} items from ${result.chunksDone} of ${result.chunksTotal} chunks (${result.itemsWritten} new${result.chunksSkipped ? `, ${result.chunksSkipped} chunks done earlier` : ''})`);
      terminal.out(`tokens: ${result.usage.inputTokens} in, ${result.usage.outputTokens} out${result.estimatedCost === undefined ? '' : `; estimated cost ${result.estimatedCost.toFixed(4)}`}`);
      const { wastedUsage } = result;
      if (wastedUsage.inputTokens + wastedUsage.outputTokens > 0) {
        terminal.out(`  of which wasted on calls that added no item (output not JSON or off-schema, or every item rejected): ${wastedUsage.inputTokens} in, ${wastedUsage.outputTokens} out`);
      }
      const rejected = Object.entries(result.rejected).filter(([, count]) => count > 0);
      if (rejected.length) terminal.out(`rejected: ${rejected.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
      for (const failure of result.failures) terminal.out(`  failed ${failure.chunkId} after ${failure.attempts} attempt(s): ${failure.code} ${failure.message}`);
      if (result.status !== 'aborted' && result.failures.length) terminal.out('Run the same command again to retry the failed chunks.');
      if (result.items === 0 && !interrupted) throw noItemsError(result, output);
      terminal.out(`wrote ${output}`);
      terminal.info(`Next: review with "hangjia data review ${args.out}", clean with "hangjia data clean".`);
    } finally {
      interrupts.dispose();
      knowledgeBase.close();
      await (model as LanguageModel & { dispose?: () => Promise<void> }).dispose?.();
    }
  },
});

/**
 * `E_NO_ITEMS`: the run finished with nothing to show for it. Says why, from what the run counted
 * (failed calls, replies that were not JSON, items rejected), and what to try.
 */
function noItemsError(result: GenerateDatasetResult, output: string): HangjiaError {
  const rejected = Object.entries(result.rejected).filter(([, count]) => count > 0);
  const wasted = result.wastedUsage.inputTokens + result.wastedUsage.outputTokens;
  const why =
    result.chunksTotal === 0
      ? 'the knowledge base has no chunks'
      : result.failures.length === result.chunksTotal
        ? `every chunk failed (${result.failures[0]!.code}: ${result.failures[0]!.message})`
        : rejected.length > 0
          ? `every item the model wrote was rejected (${rejected.map(([reason, count]) => `${reason} ${count}`).join(', ')})`
          : wasted > 0
            ? 'the model\'s replies were not the JSON the prompt asks for'
            : 'the model returned no items';
  return new HangjiaError(
    'E_NO_ITEMS',
    `0 usable items from ${result.chunksTotal} chunks: ${why}; ${output} was not written. Check the model with "hangjia models test", try a larger or instruction-tuned model, or adjust the prompts (--write-prompts).`,
    { details: { path: output, chunks: result.chunksTotal, failures: result.failures.length, rejected: result.rejected } },
  );
}
