import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { evaluateExtraction, predictExtraction, readExtractionGold, type PrecisionRecall } from '../../eval/index.js';
import { parseGraphSchema, SCHEMA_PRESET_NAMES, SCHEMA_PRESETS, type GraphSchema, type SchemaPresetName } from '../../graph/index.js';
import type { LanguageModel } from '../../models/index.js';
import { createLanguageModelFromConfig } from '../../presets/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'extraction', description: 'Precision, recall and F1 of knowledge-graph extraction (entities, attributes, relations; exact and partial span match; per type) against a labelled JSONL gold set, with bootstrap 95% intervals' },
  args: {
    file: { type: 'positional', description: 'Gold set (JSONL; see bench/extraction/README.md)', required: true },
    schema: { type: 'string', description: `With a configured model: the schema it extracts with (${SCHEMA_PRESET_NAMES.join(' | ')} or a YAML file); without one only the model-free extractors are scored` },
    'rules-only': { type: 'boolean', description: 'Score only the model-free extractors, even with a model configured' },
    errors: { type: 'boolean', description: 'List each item\'s missed and extra facts (exact match)' },
    seed: { type: 'string', description: 'Seed of the bootstrap intervals (default 0)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const config = loaded.config;
    const seed = numberFlag('seed', args.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 0;
    const file = path.resolve(session.cwd, args.file);
    const items = readExtractionGold(file);
    let schema: GraphSchema | undefined;
    if (args.schema !== undefined) {
      const preset = (SCHEMA_PRESET_NAMES as string[]).includes(args.schema);
      const schemaFile = path.resolve(session.cwd, args.schema);
      if (!preset && !fs.existsSync(schemaFile)) throw new HangjiaError('E_PATH_NOT_FOUND', `Schema file not found: ${schemaFile}.`, { details: { path: schemaFile } });
      schema = parseGraphSchema(preset ? SCHEMA_PRESETS[args.schema as SchemaPresetName] : fs.readFileSync(schemaFile, 'utf8'), args.schema);
    }
    let model: LanguageModel | undefined;
    if (!args['rules-only'] && config.model.provider !== 'none') {
      if (schema) model = createLanguageModelFromConfig(config.model);
      else terminal.warn('A chat model is configured but no --schema was given: only the model-free extractors are scored.');
    } else if (!args['rules-only']) {
      terminal.info('No chat model configured (model.provider is "none"): only the model-free extractors are scored.');
    }
    try {
      const predicted = await predictExtraction(items, {
        ...(model ? { model } : {}),
        ...(schema ? { schema } : {}),
        onProgress: (done, total) => terminal.progress('extract', done, total),
      });
      terminal.endProgress();
      const evaluation = evaluateExtraction(items, predicted.predictions, {
        ...(schema ? { schema } : {}),
        seed,
        extractor: model ? 'rules+model' : 'rules',
        ...(predicted.model ? { model: predicted.model } : {}),
      });
      if (terminal.json) return terminal.outJson({ file, ...(model ? { model: `${model.provider}:${model.modelId}` } : {}), schema: args.schema ?? null, seed, ...evaluation });
      const cell = (score: PrecisionRecall): string => {
        const interval = score.f1Interval ? ` [${score.f1Interval[0].toFixed(2)}, ${score.f1Interval[1].toFixed(2)}]` : '';
        return `P ${score.precision.toFixed(3)}  R ${score.recall.toFixed(3)}  F1 ${score.f1.toFixed(3)}${interval}`;
      };
      terminal.out(`${items.length} items from ${path.relative(session.cwd, file) || file}; extractors: ${evaluation.extractor}${model ? ` (${model.provider}:${model.modelId}, schema ${args.schema})` : ''}; 95% bootstrap intervals over items, seed ${seed}`);
      for (const kind of ['entities', 'attributes', 'relations'] as const) {
        const { exact, partial } = evaluation.scores[kind];
        terminal.out(`${kind.padEnd(10)}  gold ${String(exact.gold).padStart(3)}  predicted ${String(exact.predicted).padStart(3)}`);
        terminal.out(`  exact    ${cell(exact)}`);
        terminal.out(`  partial  ${cell(partial)}`);
        for (const [type, scores] of Object.entries(evaluation.byType[kind])) {
          terminal.out(`    ${type}: exact F1 ${scores.exact.f1.toFixed(3)}, partial F1 ${scores.partial.f1.toFixed(3)} (gold ${scores.exact.gold}, predicted ${scores.exact.predicted})`);
        }
      }
      if (evaluation.model) terminal.out(`model: ${evaluation.model.invalidReplies} replies off-schema, ${evaluation.model.rejected} facts rejected by grounding, ${evaluation.model.usage.inputTokens} + ${evaluation.model.usage.outputTokens} tokens`);
      if (args.errors) {
        for (const error of evaluation.errors) {
          terminal.out(`${error.id}:`);
          for (const fact of error.missed) terminal.out(`  missed ${fact.identity} @${fact.span.start}–${fact.span.end}`);
          for (const fact of error.extra) terminal.out(`  extra  ${fact.identity} @${fact.span.start}–${fact.span.end}`);
        }
      }
    } finally {
      await (model as (LanguageModel & { dispose?: () => Promise<void> }) | undefined)?.dispose?.();
    }
  },
});
