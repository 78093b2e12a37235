import type { Analyzer } from '../analysis/index.js';
import { checkAnswer, scoreEvidence, type Answer } from '../answer/index.js';
import { estimateTokens } from '../chunking/index.js';
import type { LanguageModel } from '../models/index.js';
import { ANSWER_PROMPT_TEMPLATES, type Language } from '../prompt/index.js';
import type { ReasoningTrace } from './reasoning-trace.js';
import type { SourceList } from './tools/source-list.js';

/**
 * The final answer of a PEARL or agent run as an `Answer`, like `ask`'s: `[n]` markers are checked
 * against the passages the run read (`sources`, numbered as its tool results and steps showed
 * them), dangling markers removed, unsupported sentences flagged; `hits` and `sources` are those
 * passages. Timings and tokens cover the whole run.
 */
export function citedAnswer(options: {
  question: string;
  text: string;
  sources: SourceList;
  analyzer: Analyzer;
  language: Language;
  model: LanguageModel;
  trace: ReasoningTrace;
  evidenceThreshold: number;
  supportThreshold?: number;
  incomplete?: boolean;
}): Answer {
  const { question, text, sources, analyzer, language, model, trace } = options;
  const hits = sources.hits;
  const check = checkAnswer(text, hits, { analyzer, ...(options.supportThreshold === undefined ? {} : { supportThreshold: options.supportThreshold }) });
  const notCovered = ANSWER_PROMPT_TEMPLATES[language].notCovered.replace(/[。.]$/u, '');
  return {
    kind: 'generated',
    question,
    standaloneQuestion: question,
    language,
    text: check.text,
    rawText: text,
    citations: check.citations,
    unsupportedSentences: check.unsupportedSentences.filter((sentence) => !sentence.sentence.includes(notCovered)),
    removedMarkers: check.removedMarkers,
    incomplete: options.incomplete ?? false,
    finishReason: 'stop',
    evidence: scoreEvidence(question, hits, { analyzer }),
    evidenceThreshold: options.evidenceThreshold,
    hits,
    droppedRanks: [],
    sources: hits.map((hit, index) => ({ n: index + 1, rank: index + 1, text: hit.chunk.text.trim(), truncated: false })),
    history: { sent: 0, omitted: 0 },
    ...(check.text.replace(/[\p{P}\s]/gu, '') === notCovered.replace(/[\p{P}\s]/gu, '') ? { refusal: 'model' as const } : {}),
    model: { provider: model.provider, modelId: model.modelId },
    usage: { inputTokens: trace.totals.inputTokens, outputTokens: trace.totals.outputTokens },
    tokens: { prompt: 0, sources: hits.reduce((sum, hit) => sum + hit.chunk.tokenCount, 0), history: 0, answer: estimateTokens(text) },
    timings: { condenseMs: 0, retrievalMs: 0, totalMs: trace.totals.ms },
  };
}
