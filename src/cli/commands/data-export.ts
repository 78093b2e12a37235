import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import {
  applyReviewDecisions,
  CHAT_TEMPLATE_NAMES,
  DATASET_FORMATS,
  EXPORT_LAYOUTS,
  exportDataset,
  exportHybridDataset,
  readDatasetFile,
  readReviewState,
  reviewStatePath,
  type ApplyReviewResult,
  type ChatTemplateName,
  type DatasetFormat,
  type ExportLayout,
} from '../../datasets/index.js';
import { HangjiaError } from '../../errors/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'export', description: 'Write a dataset in a LLaMA-Factory layout and register it in dataset_info.json' },
  args: {
    file: { type: 'positional', description: 'Dataset file (any layout hangjia reads)', required: true },
    layout: { type: 'enum', options: [...EXPORT_LAYOUTS, 'hybrid'], description: 'alpaca, sharegpt, openai (messages), text (pre-training) or hybrid (text + instructions rendered by --chat-template, for stage pt)', required: true },
    'chat-template': { type: 'enum', options: [...CHAT_TEMPLATE_NAMES], description: "For --layout hybrid: the chat template of the model you will tune (qwen, llama3, chatglm, plain)" },
    out: { type: 'string', description: 'LLaMA-Factory dataset_dir to write into', required: true },
    name: { type: 'string', description: 'Dataset name in dataset_info.json (default: the file name without extension)' },
    format: { type: 'enum', options: [...DATASET_FORMATS], description: 'Force the input layout (default: detected)' },
    reviewed: { type: 'boolean', description: 'Apply <file>.review.json first (from "hangjia data review"): rejected items dropped, edits applied' },
    'only-approved': { type: 'boolean', description: 'Export only items a reviewer accepted or edited (implies --reviewed)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal } = openSession(data, args);
    const read = readDatasetFile(path.resolve(session.cwd, args.file), args.format ? { format: args.format as DatasetFormat } : {});
    for (const problem of read.problems) terminal.warn(`${args.file}:${problem.line}: ${problem.message}`);
    const name = args.name ?? path.basename(args.file).replace(/\.jsonl?$/u, '').replace(/[^\w.-]/gu, '_');
    if (args.layout === 'hybrid' && !args['chat-template']) {
      throw new HangjiaError('E_USAGE', `--layout hybrid needs --chat-template: the template of the model you will tune (${CHAT_TEMPLATE_NAMES.join(', ')}).`, { details: { setting: 'chat-template' } });
    }
    let records = read.records;
    let review: (Pick<ApplyReviewResult, 'counts' | 'unmatched'> & { file: string }) | undefined;
    if (args.reviewed || args['only-approved']) {
      const file = path.resolve(session.cwd, args.file);
      const reviewFile = reviewStatePath(file);
      // An absent review file would silently export everything as "reviewed"; say so instead.
      if (!fs.existsSync(reviewFile)) {
        throw new HangjiaError('E_USAGE', `--reviewed needs review decisions in ${reviewFile}, and there are none. Review first with: hangjia data review ${args.file}`, { details: { path: reviewFile, setting: 'reviewed' } });
      }
      const applied = applyReviewDecisions(read.records, readReviewState(file), { keepPending: !args['only-approved'] });
      records = applied.records;
      review = { file: reviewFile, counts: applied.counts, unmatched: applied.unmatched };
      if (applied.unmatched.length) terminal.warn(`${applied.unmatched.length} review decision(s) match no item in ${args.file} (edited since the review?): ${applied.unmatched.slice(0, 5).join(', ')}`);
    }
    const directory = path.resolve(session.cwd, args.out);
    const result =
      args.layout === 'hybrid'
        ? exportHybridDataset(records, { chatTemplate: args['chat-template'] as ChatTemplateName, directory, name })
        : exportDataset(records, { layout: args.layout as ExportLayout, directory, name });
    for (const skipped of result.skipped) terminal.warn(`${args.file}:${skipped.source.line}: not exported: ${skipped.reason}`);
    if (terminal.json) return terminal.outJson({ ...result, problems: read.problems, ...(review ? { review } : {}) });
    if (review) {
      const { counts } = review;
      terminal.out(`review: ${counts.accepted} accepted, ${counts.edited} edited, ${counts.rejected} rejected (dropped), ${counts.pending} pending${args['only-approved'] ? ` (dropped: --only-approved)` : ''}`);
    }
    terminal.out(`wrote ${result.written} examples to ${result.file} (${result.skipped.length} skipped, ${read.problems.length} malformed)`);
    terminal.out(`registered "${name}" in ${result.datasetInfoFile}`);
  },
});
