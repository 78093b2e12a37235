import path from 'node:path';
import { defineCommand } from 'citty';
import { DATASET_FORMATS, validateDatasetFile, type DatasetFormat } from '../../datasets/index.js';
import { EXIT } from '../_exit-codes.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'validate', description: 'Report what LLaMA-Factory would skip or fail on in a dataset file, with line numbers' },
  args: {
    file: { type: 'positional', description: 'Dataset file (JSONL or JSON array)', required: true },
    format: { type: 'enum', options: [...DATASET_FORMATS], description: 'Layout to check against (default: from dataset_info.json beside the file, else detected)' },
    'dataset-info': { type: 'string', description: 'dataset_info.json to check the file entry in (default: the one beside the file)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal } = openSession(data, args);
    const file = path.resolve(session.cwd, args.file);
    const result = validateDatasetFile(file, {
      ...(args.format ? { format: args.format as DatasetFormat } : {}),
      ...(args['dataset-info'] ? { datasetInfo: path.resolve(session.cwd, args['dataset-info']) } : {}),
    });
    if (result.counts.error > 0 || result.counts.skipped > 0) session.exitCode = EXIT.failure;
    if (terminal.json) return terminal.outJson(result);
    for (const issue of result.issues) terminal.out(`${args.file}:${issue.line}: ${issue.severity}: ${issue.message}`);
    terminal.out(`${result.format}: ${result.usable} of ${result.lines} examples usable; ${result.counts.error} errors, ${result.counts.skipped} skipped, ${result.counts.warning} warnings.`);
  },
});
