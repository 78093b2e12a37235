/**
 * A worker thread of `buildBm25IndexInParallel`: recreates the analyzer from its recipe, then
 * analyzes the runs of records it is sent, one message each, and sends the postings back
 * (transferred, not copied). A failure is sent back as a message naming the record, not thrown, so
 * the build can report which record broke it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Analyzer, AnalyzerRecipe } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { analyzeRecords, transferablesOf, type AnalyzableRecord } from './_analyze-records.js';

export interface AnalysisWorkerData {
  recipe: AnalyzerRecipe;
  name: string;
  version: number;
}

export interface AnalysisRequest {
  records: AnalyzableRecord[];
  words: boolean;
}

/** One reply per request, in order: a worker analyzes one batch at a time. */
export type AnalysisReply = { analyzed: ReturnType<typeof analyzeRecords> } | { error: { code: string; message: string; details?: unknown } };

const { recipe, name, version } = workerData as AnalysisWorkerData;
const factory = ((await import(recipe.module)) as Record<string, unknown>)[recipe.factory];
if (typeof factory !== 'function') throw new Error(`${recipe.module} exports no function ${recipe.factory}`);
const analyzer = factory(recipe.options) as Analyzer;
if (analyzer.name !== name || analyzer.version !== version) {
  throw new Error(`the recipe made analyzer ${analyzer.name}@${analyzer.version}, not ${name}@${version}`);
}

parentPort!.on('message', (request: AnalysisRequest) => {
  let reply: AnalysisReply;
  try {
    const analyzed = analyzeRecords(request.records, analyzer, { words: request.words });
    parentPort!.postMessage({ analyzed } satisfies AnalysisReply, transferablesOf(analyzed));
    return;
  } catch (error) {
    const code = HangjiaError.is(error) ? error.code : 'E_INDEX_ANALYZE';
    reply = { error: { code, message: (error as Error).message, ...(HangjiaError.is(error) ? { details: error.details } : {}) } };
  }
  parentPort!.postMessage(reply);
});
