import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline/promises';
import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { buildGraph, readGraphSchema, saveGraphSchema, SCHEMA_PRESET_NAMES, SCHEMA_PRESETS, type GraphBuildEstimate, type SchemaPresetName } from '../../graph/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createLanguageModelFromConfig } from '../../presets/index.js';
import { EXIT } from '../_exit-codes.js';
import { catchInterrupts, reportInterrupted } from '../_interrupts.js';
import { COMMON_ARGS, numberFlag } from '../_session.js';
import { openGraphSession } from './_graph-session.js';

export default defineCommand({
  meta: {
    name: 'build',
    description: 'Build or update the knowledge graph: model-free extractors always, the configured chat model per chunk when there is a schema (incremental by chunk text; resumable: run again to continue)',
  },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    schema: { type: 'string', description: `Set the graph schema first: ${SCHEMA_PRESET_NAMES.join(' | ')} or a YAML file (see "graph schema")` },
    'limit-chunks': { type: 'string', description: 'Send only the first N chunks to the model (default all)' },
    'rules-only': { type: 'boolean', description: 'Run only the model-free extractors, even with a model configured' },
    yes: { type: 'boolean', description: 'Skip the cost confirmation asked before the model reads more than --confirm-above chunks' },
    'confirm-above': { type: 'string', description: 'Ask before the model reads more than this many chunks (default 200)' },
    'price-per-million-tokens': { type: 'string', description: 'Price per million tokens, for the cost estimate' },
    concurrency: { type: 'string', description: 'Chunks extracted at once, 1–64 (default 1)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, config, knowledgeBase } = openGraphSession(data, args);
    const limitChunks = numberFlag('limit-chunks', args['limit-chunks'], { min: 1, max: 1e9 });
    const confirmAbove = numberFlag('confirm-above', args['confirm-above'], { min: 0, max: 1e9 });
    const price = numberFlag('price-per-million-tokens', args['price-per-million-tokens'], { min: 0, max: 1e6 });
    const concurrency = numberFlag('concurrency', args.concurrency, { min: 1, max: 64 });
    let model: LanguageModel | undefined;
    const interrupts = catchInterrupts();
    try {
      if (args.schema !== undefined) {
        const preset = (SCHEMA_PRESET_NAMES as string[]).includes(args.schema);
        const file = path.resolve(session.cwd, args.schema);
        if (!preset && !fs.existsSync(file)) throw new HangjiaError('E_PATH_NOT_FOUND', `Schema file not found: ${file}. Give a YAML file or one of the presets: ${SCHEMA_PRESET_NAMES.join(', ')}.`, { details: { path: file } });
        saveGraphSchema(knowledgeBase.store, preset ? SCHEMA_PRESETS[args.schema as SchemaPresetName] : fs.readFileSync(file, 'utf8'), preset ? `preset:${args.schema}` : args.schema);
      }
      const schema = readGraphSchema(knowledgeBase.store);
      if (args['rules-only']) terminal.info('Model-free extractors only (--rules-only).');
      else if (config.model.provider === 'none') {
        terminal.info('No chat model configured (model.provider is "none"): only the model-free extractors run (statute references, amounts, durations, dates, percentages). Configure a model for schema extraction.');
      } else if (!schema) {
        terminal.warn(`Knowledge base "${args.kb}" has no graph schema: only the model-free extractors run. Set one with "hangjia graph schema ${args.kb} --preset ${SCHEMA_PRESET_NAMES.join('|')}" or --schema.`);
      } else {
        model = createLanguageModelFromConfig(config.model);
        terminal.info(`Extracting with ${model.provider}:${model.modelId} and schema "${schema.name}" (${schema.entityTypes.length} entity types, ${schema.relationTypes.length} relation types)${limitChunks ? `; first ${limitChunks} chunks` : ''}.`);
      }
      const describe = (estimate: GraphBuildEstimate): string =>
        `${estimate.chunks} chunks to extract (${estimate.alreadyDone} done earlier), about ${estimate.inputTokens} input + ${estimate.outputTokens} output tokens${estimate.estimatedCost === undefined ? '' : `, ≈${estimate.estimatedCost.toFixed(4)}`}`;
      const result = await buildGraph(knowledgeBase, {
        ...(model ? { model } : {}),
        ...(schema ? { schema } : {}),
        ...(limitChunks === undefined ? {} : { limitChunks }),
        ...(price === undefined ? {} : { pricePerMillionTokens: price }),
        ...(confirmAbove === undefined ? {} : { confirmAboveChunks: confirmAbove }),
        ...(concurrency === undefined ? {} : { concurrency }),
        signal: interrupts.signal,
        ...(args.yes
          ? { confirm: () => true }
          : session.stdin.isTTY
            ? {
                confirm: async (estimate: GraphBuildEstimate) => {
                  const lines = readline.createInterface({ input: session.stdin, output: process.stderr });
                  try {
                    return /^y(es)?$/iu.test((await lines.question(`${describe(estimate)}. Proceed? [y/N] `)).trim());
                  } finally {
                    lines.close();
                  }
                },
              }
            : {}),
        onProgress: (progress) => {
          if (progress.phase !== 'model') return;
          const tokens = progress.usage.inputTokens + progress.usage.outputTokens;
          terminal.progress('extract', progress.done, progress.total, `${progress.facts} facts, ${progress.rejected} rejected, ${progress.invalidReplies} invalid replies, ${tokens} tokens${progress.estimatedCost === undefined ? '' : ` ≈${progress.estimatedCost.toFixed(4)}`}`);
        },
      });
      terminal.endProgress();
      const interrupted = result.status === 'aborted' && reportInterrupted(interrupts, session, terminal, 'Every finished chunk\'s facts are saved in the knowledge base');
      if (terminal.json) return terminal.outJson(result);
      terminal.out(`${result.status}: ${result.chunks} distinct chunk texts; rules ran on ${result.rules.extracted} (${result.rules.reused} unchanged)${result.pruned ? `; ${result.pruned} facts of removed or changed chunks dropped` : ''}`);
      if (result.estimate) terminal.out(`estimate: ${describe(result.estimate)}`);
      if (result.status === 'declined') terminal.out('Declined: nothing was sent to the model. Use --limit-chunks N to extract part, or --yes.');
      const modelRun = result.model;
      if (modelRun) {
        terminal.out(`model: ${modelRun.extracted} chunks extracted (${modelRun.reused} done earlier, ${modelRun.pending} left), ${modelRun.facts} facts kept, ${modelRun.rejected} rejected, ${modelRun.invalidReplies} replies off-schema, ${modelRun.failures.length} failed`);
        terminal.out(`tokens: ${modelRun.usage.inputTokens} in, ${modelRun.usage.outputTokens} out${modelRun.estimatedCost === undefined ? '' : `; estimated cost ${modelRun.estimatedCost.toFixed(4)}`}`);
        for (const failure of modelRun.failures) terminal.out(`  failed ${failure.chunkId}: ${failure.code} ${failure.message}`);
        if (modelRun.failures.length + modelRun.invalidReplies > 0 || modelRun.pending > 0) terminal.out('Run the same command again to extract the chunks left or failed.');
        if (modelRun.failures.length > 0 && !interrupted) session.exitCode = EXIT.failure;
      }
      terminal.out(`graph: ${result.graph.nodes} nodes, ${result.graph.edges} edges, ${result.graph.attributes} attribute values, ${result.graph.mentions} mentions`);
      terminal.info(`Next: hangjia graph ${args.kb} stats | show <entity> | query "(条款:*)-[引用]->(法律:*)"`);
    } finally {
      interrupts.dispose();
      knowledgeBase.close();
      await (model as (LanguageModel & { dispose?: () => Promise<void> }) | undefined)?.dispose?.();
    }
  },
});
