import path from 'node:path';
import { defineCommand } from 'citty';
import { createAnalyzer } from '../../analysis/index.js';
import {
  createExamplePool,
  createExampleSelector,
  EXAMPLE_SELECTOR_NAMES,
  readExamplePool,
  withTokenBudget,
  type ExampleSelector,
} from '../../examples/index.js';
import { createEmbeddingModelFromConfig } from '../../presets/index.js';
import { snippet } from '../_format.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'select', description: 'Print the examples of a JSONL pool that a selector picks for an input, with scores and shared terms' },
  args: {
    pool: { type: 'positional', description: 'JSONL file, one {"id", "input", "output", …} object per line', required: true },
    input: { type: 'positional', description: 'The new input (quote it)', required: true },
    k: { type: 'string', alias: 'k', description: 'Number of examples (default 3)' },
    selector: { type: 'enum', options: [...EXAMPLE_SELECTOR_NAMES], description: 'How to pick (default jaccard; embedding needs embedding.provider configured)' },
    'max-tokens': { type: 'string', description: 'Keep only the best examples whose inputs and outputs fit this many tokens in all' },
    'input-field': { type: 'string', description: 'Field holding the input (default input)' },
    'output-field': { type: 'string', description: 'Field holding the output (default output)' },
    'id-field': { type: 'string', description: 'Field holding the id (default id; else line-<n>)' },
    seed: { type: 'string', description: 'Seed of the random selector (default 0)' },
    lambda: { type: 'string', description: 'MMR relevance weight from 0 to 1 (default 0.7)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const poolPath = path.resolve(session.cwd, args.pool);
    const k = numberFlag('k', args.k, { min: 1, max: 1000 }) ?? 3;
    const maxTokens = numberFlag('max-tokens', args['max-tokens'], { min: 1, max: 10_000_000 });
    const seed = numberFlag('seed', args.seed, { min: -2_147_483_648, max: 4_294_967_295 });
    const lambda = numberFlag('lambda', args.lambda, { min: 0, max: 1 });
    const selectorName = args.selector ?? 'jaccard';

    const { examples, skipped } = readExamplePool(poolPath, {
      onMalformed: 'skip',
      ...(args['input-field'] ? { inputField: args['input-field'] } : {}),
      ...(args['output-field'] ? { outputField: args['output-field'] } : {}),
      ...(args['id-field'] ? { idField: args['id-field'] } : {}),
    });
    for (const line of skipped) terminal.warn(`Skipped ${line.message}`);
    const embeddingModel = selectorName === 'embedding' ? createEmbeddingModelFromConfig(loaded.config.embedding) : undefined;
    const started = performance.now();
    const pool = await createExamplePool(examples, {
      analyzer: createAnalyzer(),
      ...(embeddingModel ? { embeddingModel } : {}),
      onProgress: ({ phase, done, total }) => terminal.progress(phase, done, total),
    });
    terminal.endProgress();
    terminal.debug(`Indexed ${examples.length} examples from ${poolPath} in ${(performance.now() - started).toFixed(0)} ms (${skipped.length} lines skipped).`);
    let selector: ExampleSelector = createExampleSelector(pool, selectorName, {
      ...(seed === undefined ? {} : { seed }),
      ...(lambda === undefined ? {} : { lambda }),
    });
    if (maxTokens !== undefined) selector = withTokenBudget(selector, { maxTokens });
    const selected = await selector.select(args.input, { k });

    if (terminal.json) {
      return terminal.outJson({
        pool: poolPath,
        input: args.input,
        selector: selector.name,
        examples: selected.map((item, index) => ({ rank: index + 1, score: item.score, sharedTerms: item.sharedTerms, ...item.example })),
        skippedLines: skipped.map(({ line, reason }) => ({ line, reason })),
      });
    }
    if (selected.length === 0) return terminal.out(`No example in ${args.pool} qualifies for "${args.input}" (${selector.name}).`);
    selected.forEach((item, index) => {
      terminal.out(`[${index + 1}] ${item.score.toFixed(3)}  ${item.example.id}  shared: ${item.sharedTerms.slice(0, 12).join(' ') || '—'}`);
      terminal.out(`    in:  ${snippet(item.example.input)}`);
      terminal.out(`    out: ${snippet(item.example.output)}`);
    });
  },
});
