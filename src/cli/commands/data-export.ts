import path from 'node:path';
import { defineCommand } from 'citty';
import { DATASET_FORMATS, EXPORT_LAYOUTS, exportDataset, readDatasetFile, type DatasetFormat, type ExportLayout } from '../../datasets/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'export', description: 'Write a dataset in a LLaMA-Factory layout and register it in dataset_info.json' },
  args: {
    file: { type: 'positional', description: 'Dataset file (any layout hangjia reads)', required: true },
    layout: { type: 'enum', options: [...EXPORT_LAYOUTS], description: 'alpaca, sharegpt, openai (messages) or text (pre-training)', required: true },
    out: { type: 'string', description: 'LLaMA-Factory dataset_dir to write into', required: true },
    name: { type: 'string', description: 'Dataset name in dataset_info.json (default: the file name without extension)' },
    format: { type: 'enum', options: [...DATASET_FORMATS], description: 'Force the input layout (default: detected)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal } = openSession(data, args);
    const read = readDatasetFile(path.resolve(session.cwd, args.file), args.format ? { format: args.format as DatasetFormat } : {});
    for (const problem of read.problems) terminal.warn(`${args.file}:${problem.line}: ${problem.message}`);
    const name = args.name ?? path.basename(args.file).replace(/\.jsonl?$/u, '').replace(/[^\w.-]/gu, '_');
    const result = exportDataset(read.records, { layout: args.layout as ExportLayout, directory: path.resolve(session.cwd, args.out), name });
    for (const skipped of result.skipped) terminal.warn(`${args.file}:${skipped.source.line}: not exported: ${skipped.reason}`);
    if (terminal.json) return terminal.outJson({ ...result, problems: read.problems });
    terminal.out(`wrote ${result.written} examples to ${result.file} (${result.skipped.length} skipped, ${read.problems.length} malformed)`);
    terminal.out(`registered "${name}" in ${result.datasetInfoFile}`);
  },
});
