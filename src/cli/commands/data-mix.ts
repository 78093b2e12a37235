import path from 'node:path';
import { defineCommand } from 'citty';
import {
  estimatedTokenCounter,
  loadGgufTokenCounter,
  MIX_PRESETS,
  planMix,
  readDatasetFile,
  renderMixReportMarkdown,
  renderMixReportSvg,
  toJsonLines,
  writeFileAtomic,
  type DatasetRecord,
  type MixPreset,
  type MixSource,
} from '../../datasets/index.js';
import { HangjiaError } from '../../errors/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'mix', description: 'Mix domain and general data by token ratios (cpt ≤15 % domain, sft 1:1, XuanYuan hybrid, custom)' },
  args: {
    preset: { type: 'enum', options: [...MIX_PRESETS], description: 'cpt, sft, hybrid or custom', required: true },
    domain: { type: 'string', description: 'Domain dataset files (one or more after the flag)', required: true },
    general: { type: 'string', description: 'General dataset files (one or more after the flag)', required: true },
    ratios: { type: 'string', description: 'Shares for custom (or to override a preset): domain=0.1,general=0.9 or domain-text=…,general-instruction=…' },
    tokenizer: { type: 'string', description: 'A GGUF model whose tokenizer counts tokens (default: the estimateTokens approximation)' },
    'total-tokens': { type: 'string', description: 'Tokens in the mix (default: the largest without up-sampling)' },
    'max-upsample': { type: 'string', description: 'Largest repetition factor allowed (default 4)' },
    seed: { type: 'string', description: 'Seed for sampling and order (default 42)' },
    out: { type: 'string', description: 'Output directory (mixed.jsonl, mix-plan.json, mix-report.md, mix-report.svg)', required: true },
    ...COMMON_ARGS,
  },
  async run({ args, data, rawArgs }) {
    const { session, terminal } = openSession(data, args);
    const load = (flag: string): MixSource[] =>
      flagValues(rawArgs, flag).map((file) => {
        const read = readDatasetFile(path.resolve(session.cwd, file));
        for (const problem of read.problems) terminal.warn(`${file}:${problem.line}: ${problem.message}`);
        return { name: file, records: read.records };
      });
    const domain = load('--domain');
    const general = load('--general');
    const tokenizer = args.tokenizer ? await loadGgufTokenCounter(path.resolve(session.cwd, args.tokenizer)) : estimatedTokenCounter;
    try {
      terminal.info(`Counting tokens with ${tokenizer.name}…`);
      const totalTokens = numberFlag('total-tokens', args['total-tokens'], { min: 1, max: Number.MAX_SAFE_INTEGER });
      const maxUpsample = numberFlag('max-upsample', args['max-upsample'], { min: 1, max: 1000 });
      const seed = numberFlag('seed', args.seed, { min: 0, max: 2 ** 31 - 1 });
      const plan = await planMix({
        preset: args.preset as MixPreset,
        domain,
        general,
        tokenizer,
        ...(args.ratios ? { ratios: parseRatios(args.ratios) } : {}),
        ...(totalTokens === undefined ? {} : { totalTokens }),
        ...(maxUpsample === undefined ? {} : { maxUpsample }),
        ...(seed === undefined ? {} : { seed }),
      });
      const outDirectory = path.resolve(session.cwd, args.out);
      const { records, ...summary } = plan;
      writeFileAtomic(path.join(outDirectory, 'mixed.jsonl'), toJsonLines(records.map(toLine)));
      writeFileAtomic(path.join(outDirectory, 'mix-plan.json'), `${JSON.stringify({ ...summary, samples: records.length }, null, 2)}\n`);
      writeFileAtomic(path.join(outDirectory, 'mix-report.md'), renderMixReportMarkdown(plan));
      writeFileAtomic(path.join(outDirectory, 'mix-report.svg'), renderMixReportSvg(plan));
      for (const warning of plan.warnings) terminal.warn(`Warning: ${warning}`);
      if (terminal.json) return terminal.outJson({ ...summary, samples: records.length, out: outDirectory });
      terminal.out(renderMixReportMarkdown(plan).trimEnd());
      terminal.out(`\nwrote ${path.join(outDirectory, 'mixed.jsonl')} (${records.length} samples)`);
    } finally {
      await tokenizer.dispose?.();
    }
  },
});

/** A mixed line: the record as read (all its fields) or, for records built in code, text / messages. */
function toLine(record: DatasetRecord): unknown {
  return record.raw ?? (record.kind === 'text' ? { text: record.text } : { messages: record.turns });
}

/** `domain=0.1,general=0.9` → { domain: 0.1, general: 0.9 }. */
function parseRatios(value: string): Record<string, number> {
  const ratios: Record<string, number> = {};
  for (const part of value.split(',')) {
    const [key, share] = part.split('=').map((text) => text.trim());
    const parsed = Number(share);
    if (!key || share === undefined || !Number.isFinite(parsed)) {
      throw new HangjiaError('E_USAGE', `--ratios takes category=share pairs separated by commas (domain=0.1,general=0.9); could not read "${part}".`, { details: { setting: 'ratios', value } });
    }
    ratios[key] = parsed;
  }
  return ratios;
}

/** Every argument after `flag` up to the next flag (citty keeps one value per string flag). */
function flagValues(rawArgs: string[], flag: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < rawArgs.length; index += 1) {
    const argument = rawArgs[index]!;
    if (argument.startsWith(`${flag}=`)) values.push(argument.slice(flag.length + 1));
    else if (argument === flag) while (index + 1 < rawArgs.length && !rawArgs[index + 1]!.startsWith('-')) values.push(rawArgs[(index += 1)]!);
  }
  return values;
}
