import { evidenceRecall, type StrategyAnswer } from '../../reasoning/index.js';
import type { RagWork } from './rag-sample.js';

/**
 * Steps, tokens and evidence recall of one answer: RAG takes one step and reads the passages its
 * prompt held (or, refusing on the evidence threshold, the hits it judged); PEARL and agent runs
 * report their trace's steps and read every passage their steps and tools showed (`answer.hits`).
 */
export function strategyWork(result: StrategyAnswer, gold: readonly string[] | undefined): RagWork {
  const { answer } = result;
  const read = result.trace && !result.fallback ? answer.hits : answer.refusal === 'evidence-threshold' ? answer.hits : answer.sources.map((source) => answer.hits[source.rank - 1]!).filter(Boolean);
  return {
    strategy: result.fallback ? `${result.strategy} (fallback: rag)` : result.strategy,
    steps: result.trace && !result.fallback ? result.trace.totals.steps : 1,
    tokens: (answer.usage.inputTokens ?? 0) + (answer.usage.outputTokens ?? 0) + (result.fallback && result.trace ? result.trace.totals.inputTokens + result.trace.totals.outputTokens : 0),
    evidenceRecall: evidenceRecall(gold ?? [], read),
  };
}
