import path from 'node:path';
import { defineCommand } from 'citty';
import { createAnalyzer } from '../../analysis/index.js';
import { evaluateRetrieval, readBeirDataset, writeTrecRun } from '../../eval/index.js';
import { lexicalSettingsFromConfig } from '../../presets/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'retrieval', description: 'Index a BEIR-style folder (corpus.jsonl, queries.jsonl, qrels.tsv), run every query, print nDCG@10, Recall@100, MRR@10' },
  args: {
    dataset: { type: 'positional', description: 'Folder with corpus.jsonl, queries.jsonl and qrels.tsv', required: true },
    queries: { type: 'string', description: 'Queries file (default <dataset>/queries.jsonl)' },
    qrels: { type: 'string', description: 'Judgments file (default <dataset>/qrels.tsv)' },
    'run-out': { type: 'string', description: 'Write the TREC run file (qid Q0 docid rank score tag) here' },
    depth: { type: 'string', description: 'Documents retrieved per query (default 100)' },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const directory = path.resolve(session.cwd, args.dataset);
    const dataset = readBeirDataset(directory, {
      ...(args.queries ? { queriesPath: path.resolve(session.cwd, args.queries) } : {}),
      ...(args.qrels ? { qrelsPath: path.resolve(session.cwd, args.qrels) } : {}),
    });
    terminal.info(`Evaluating lexical retrieval on ${directory}: ${dataset.corpus.length} documents, ${dataset.queries.length} queries`);
    const analyzer = createAnalyzer();
    // The same lexical settings a knowledge base would use (search.titleWeight, search.k1, …), so a
    // configuration can be evaluated before it is put to work; the summary records them.
    const { search } = loaded.config;
    const lexical = { k1: search.k1, titleWeight: search.titleWeight, headingsWeight: search.headingsWeight, groupWeight: search.groupWeight };
    const result = evaluateRetrieval(dataset, {
      analyzer,
      ...lexicalSettingsFromConfig(search),
      depth: numberFlag('depth', args.depth, { min: 1, max: 10000 }) ?? 100,
      onProgress: (progress) => terminal.progress(progress.phase, progress.done, progress.total),
    });
    terminal.endProgress();
    const tag = `hangjia.${analyzer.name}.bm25`;
    if (args['run-out']) writeTrecRun(path.resolve(session.cwd, args['run-out']), result.run, { tag });
    const summary = {
      dataset: directory,
      documents: result.documents,
      queries: result.queries,
      evaluatedQueries: result.evaluation.evaluatedQueries,
      skippedQueries: result.evaluation.skippedQueries,
      metrics: result.evaluation.mean,
      buildMs: Math.round(result.buildMs),
      latencyMs: result.latencyMs,
      runFile: args['run-out'] ?? null,
      tag,
      lexical,
    };
    if (terminal.json) return terminal.outJson(summary);
    terminal.out(`nDCG@10     ${result.evaluation.mean['ndcg@10']!.toFixed(4)}`);
    terminal.out(`Recall@100  ${result.evaluation.mean['recall@100']!.toFixed(4)}`);
    terminal.out(`MRR@10      ${result.evaluation.mean['mrr@10']!.toFixed(4)}`);
    terminal.out(`queries     ${result.evaluation.evaluatedQueries} evaluated${result.evaluation.skippedQueries ? `, ${result.evaluation.skippedQueries} without relevant documents skipped` : ''}`);
    terminal.out(`index       ${result.documents} documents in ${(result.buildMs / 1000).toFixed(1)} s; query p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms`);
    terminal.out(`settings    k1 ${lexical.k1}, title weight ${lexical.titleWeight}, headings weight ${lexical.headingsWeight}, group weight ${lexical.groupWeight}`);
    if (args['run-out']) terminal.out(`run file    ${args['run-out']}`);
  },
});
