import path from 'node:path';
import { defineCommand } from 'citty';
import { createAnalyzer } from '../../analysis/index.js';
import type { HangjiaConfig } from '../../config/index.js';
import { HangjiaError } from '../../errors/index.js';
import { corpusDocumentsHeld, evaluateKnowledgeBase, evaluateRetrieval, readBeirDataset, writeTrecRun, type BeirDataset, type RunEvaluation, type ScoredDocument } from '../../eval/index.js';
import { openKnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import type { Terminal } from '../_terminal.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';
import { openReranking, RERANK_ARGS } from '../_rerank.js';

export default defineCommand({
  meta: { name: 'retrieval', description: 'Index a BEIR-style folder (corpus.jsonl, queries.jsonl, qrels.tsv), run every query, print nDCG@10, Recall@100, MRR@10' },
  args: {
    dataset: { type: 'positional', description: 'Folder with corpus.jsonl, queries.jsonl and qrels.tsv', required: true },
    queries: { type: 'string', description: 'Queries file (default <dataset>/queries.jsonl)' },
    qrels: { type: 'string', description: 'Judgments file (default <dataset>/qrels.tsv)' },
    'run-out': { type: 'string', description: 'Write the TREC run file (qid Q0 docid rank score tag) here' },
    depth: { type: 'string', description: 'Documents retrieved per query (default 100)' },
    kb: { type: 'string', description: 'Search this knowledge base, built from the corpus (hangjia kb create <name> <dataset>/corpus.jsonl), instead of a fresh lexical index: hybrid when it has embeddings' },
    mode: { type: 'enum', options: ['auto', 'lexical', 'vector', 'hybrid'], description: 'With --kb: retrievers to use (default auto: hybrid when the knowledge base has embeddings)' },
    rerank: { ...RERANK_ARGS.rerank, description: `With --kb: ${RERANK_ARGS.rerank.description}` },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args, { 'search.mode': args.mode });
    if (args.mode && !args.kb) throw new HangjiaError('E_USAGE', '--mode needs --kb: without it the evaluation builds a lexical index of the corpus.', { details: { flag: 'mode' } });
    if (args.rerank !== undefined && !args.kb) throw new HangjiaError('E_USAGE', '--rerank needs --kb: the reranker reorders a knowledge base\'s hits (hangjia kb create <name> <dataset>/corpus.jsonl).', { details: { flag: 'rerank' } });
    const directory = path.resolve(session.cwd, args.dataset);
    const dataset = readBeirDataset(directory, {
      ...(args.queries ? { queriesPath: path.resolve(session.cwd, args.queries) } : {}),
      ...(args.qrels ? { qrelsPath: path.resolve(session.cwd, args.qrels) } : {}),
    });
    const depth = numberFlag('depth', args.depth, { min: 1, max: 10000 }) ?? 100;
    const { search } = loaded.config;
    const lexical = { k1: search.k1, titleWeight: search.titleWeight, headingsWeight: search.headingsWeight, groupWeight: search.groupWeight, topicWeight: search.topicWeight, citationWeight: search.citationWeight };
    const outcome = args.kb ? await evaluateKnowledgeBaseCommand(args.kb, dataset, depth, loaded.config, terminal, args.rerank) : evaluateLexicalIndex(directory, dataset, depth, loaded.config, terminal);
    terminal.endProgress();
    if (args['run-out']) writeTrecRun(path.resolve(session.cwd, args['run-out']), outcome.run, { tag: outcome.tag });
    const summary = {
      dataset: directory,
      documents: dataset.corpus.length,
      queries: dataset.queries.length,
      evaluatedQueries: outcome.evaluation.evaluatedQueries,
      skippedQueries: outcome.evaluation.skippedQueries,
      metrics: outcome.evaluation.mean,
      buildMs: outcome.buildMs ?? null,
      latencyMs: outcome.latencyMs,
      runFile: args['run-out'] ?? null,
      tag: outcome.tag,
      retrieval: outcome.retrieval,
      lexical,
    };
    if (terminal.json) return terminal.outJson(summary);
    const { mean } = outcome.evaluation;
    terminal.out(`nDCG@10     ${mean['ndcg@10']!.toFixed(4)}`);
    terminal.out(`Recall@100  ${mean['recall@100']!.toFixed(4)}`);
    terminal.out(`MRR@10      ${mean['mrr@10']!.toFixed(4)}`);
    terminal.out(`queries     ${outcome.evaluation.evaluatedQueries} evaluated${outcome.evaluation.skippedQueries ? `, ${outcome.evaluation.skippedQueries} without relevant documents skipped` : ''}`);
    const latency = `query p50 ${outcome.latencyMs.p50.toFixed(2)} ms, p99 ${outcome.latencyMs.p99.toFixed(2)} ms`;
    terminal.out(outcome.buildMs === undefined ? `search      ${latency}` : `index       ${dataset.corpus.length} documents in ${(outcome.buildMs / 1000).toFixed(1)} s; ${latency}`);
    terminal.out(`retrieval   ${describeRetrieval(outcome.retrieval)}`);
    terminal.out(`settings    k1 ${lexical.k1}, title weight ${lexical.titleWeight}, headings weight ${lexical.headingsWeight}, group weight ${lexical.groupWeight}, topic weight ${lexical.topicWeight}, citation weight ${lexical.citationWeight}`);
    if (args['run-out']) terminal.out(`run file    ${args['run-out']}`);
  },
});

/** What was evaluated, recorded in the summary so two runs can be told apart. */
type RetrievalUnderTest =
  | { source: 'lexical-index'; topicWords: number; citedDocuments: number }
  | { source: 'knowledge-base'; knowledgeBase: string; mode: string; embeddingModelId: string | null; corpusDocumentsHeld: number; reranker: { name: string; topN: number } | null };

interface EvaluationOutcome {
  run: Map<string, ScoredDocument[]>;
  evaluation: RunEvaluation;
  latencyMs: { p50: number; p99: number; mean: number };
  buildMs?: number;
  tag: string;
  retrieval: RetrievalUnderTest;
}

function evaluateLexicalIndex(directory: string, dataset: BeirDataset, depth: number, config: HangjiaConfig, terminal: Terminal): EvaluationOutcome {
  terminal.info(`Evaluating lexical retrieval on ${directory}: ${dataset.corpus.length} documents, ${dataset.queries.length} queries`);
  const analyzer = createAnalyzer();
  // The same lexical settings a knowledge base would use (search.titleWeight, search.k1, …), so a
  // configuration can be evaluated before it is put to work; the summary records them.
  const result = evaluateRetrieval(dataset, {
    analyzer,
    search: config.search,
    depth,
    onProgress: (progress) => terminal.progress(progress.phase, progress.done, progress.total),
  });
  return { ...result, tag: `hangjia.${analyzer.name}.bm25`, retrieval: { source: 'lexical-index', topicWords: result.topicWords, citedDocuments: result.citedGroups } };
}

/**
 * The knowledge base's own search (its chunking, settings and embeddings), scored against the
 * dataset's judgments. A hit names its document by row key, which is the corpus id when the
 * knowledge base was built from the dataset's corpus.jsonl; a document's rank is its best chunk's.
 */
async function evaluateKnowledgeBaseCommand(name: string, dataset: BeirDataset, depth: number, config: HangjiaConfig, terminal: Terminal, rerank: string | undefined): Promise<EvaluationOutcome> {
  const reranking = openReranking(config, rerank, terminal);
  const knowledgeBase = openKnowledgeBase({ home: config.home, storeUrl: config.store.url, name }, createDefaultComponents(config));
  try {
    const { held, corpus } = corpusDocumentsHeld(knowledgeBase, dataset);
    if (held < corpus) {
      terminal.warn(`Knowledge base "${name}" holds ${held} of the ${corpus} corpus documents; the others cannot be found (if an ingest was interrupted: hangjia kb sync ${name}).`);
    }
    terminal.info(`Evaluating knowledge base "${name}" on ${dataset.queries.length} queries (${held} corpus documents held)`);
    // Mode and weights are the knowledge base's own settings (config.search); the depth is this command's.
    const result = await evaluateKnowledgeBase(knowledgeBase, dataset, {
      depth,
      search: { ...reranking.search, onRebuild: (reason) => terminal.info(`Rebuilding the search index (${reason})…`) },
      onProgress: (progress) => terminal.progress(progress.phase, progress.done, progress.total),
    });
    const embeddingModelId = result.mode === 'lexical' ? null : knowledgeBase.stats().embeddingModelId;
    const reranker = reranking.reranker ? { name: reranking.reranker.name, topN: config.rerank.topN } : null;
    return { ...result, tag: `hangjia.kb.${result.mode}${reranker ? '.rerank' : ''}`, retrieval: { source: 'knowledge-base', knowledgeBase: name, mode: result.mode, embeddingModelId, corpusDocumentsHeld: held, reranker } };
  } finally {
    knowledgeBase.close();
    await reranking.dispose();
  }
}

function describeRetrieval(retrieval: RetrievalUnderTest): string {
  if (retrieval.source === 'lexical-index') {
    const topics = retrieval.topicWords > 0 ? `topic vectors for ${retrieval.topicWords} words` : 'too few frequent words for topic vectors';
    const citations = retrieval.citedDocuments > 0 ? `${retrieval.citedDocuments} documents named by title in others` : 'no document named by title in another';
    return `lexical (a fresh index of the corpus; ${topics}; ${citations})`;
  }
  const vectors = retrieval.embeddingModelId ? ` with ${retrieval.embeddingModelId}` : '';
  const reranked = retrieval.reranker ? `, top ${retrieval.reranker.topN} reranked by ${retrieval.reranker.name}` : '';
  return `${retrieval.mode}${vectors}${reranked}, knowledge base "${retrieval.knowledgeBase}"`;
}
