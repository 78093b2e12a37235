import type { AccessFilter } from '../access/index.js';
import { createAnalyzer, type Analyzer } from '../analysis/index.js';
import { estimateTokens } from '../chunking/index.js';
import { HangjiaError } from '../errors/index.js';
import { renderFewShotMessages, type ExampleSelector } from '../examples/index.js';
import { streamText, type LanguageModel } from '../models/index.js';
import { ANSWER_PROMPT_TEMPLATES, buildAnswerPrompt, detectLanguage, type Language } from '../prompt/index.js';
import type { RetrievalResult, RetrieveOptions } from '../retrieval/index.js';
import type { Answer, AnswerStream, AnswerStreamPart, SentenceCheck } from './answer.js';
import { checkAnswer } from './check-answer.js';
import { findMarkers } from './cited-sentences.js';
import { condenseQuestion, type ConversationTurn } from './condense-question.js';
import { scoreEvidence, type TermWeight } from './evidence-score.js';
import { extractAnswer } from './extractive-answer.js';
import { createPartChannel } from './_part-channel.js';
import { isRefusalReply, isRefusalSentence } from './refusal.js';

/**
 * The default evidence threshold: below it, hangjia says the knowledge base does not cover the
 * question instead of calling the model. Calibrated on STARD legal (`bench/evidence-threshold.ts`):
 * at 0.35 it refuses 3.6% of questions whose relevant article was retrieved and 84% of
 * out-of-domain questions; it cannot tell a question whose article is missing from one whose
 * article is present (neighbouring articles share the words), which needs a model-side check.
 */
export const DEFAULT_EVIDENCE_THRESHOLD = 0.35;

/** Where a knowledge base keeps its own system prompt (`kb.store.setMeta(KB_SYSTEM_PROMPT_KEY, …)`). */
export const KB_SYSTEM_PROMPT_KEY = 'answer.systemPrompt';

/**
 * What `answerQuestion` needs of a knowledge base: search, and optionally its stored settings.
 * `search` must honour `access` (as `KnowledgeBase.search` does): it is the only gate between a
 * restricted document and the prompt.
 */
export interface AnswerKnowledgeBase {
  search(query: string, options: RetrieveOptions & { access?: AccessFilter }): Promise<RetrievalResult>;
  store?: { getMeta(key: string): string | undefined };
}

/** Options for {@link answerQuestion}. */
export interface AnswerQuestionOptions {
  /** The chat model; without one the answer is extractive (quoted sentences, labelled as such). */
  model?: LanguageModel;
  /** Hits retrieved (default 5). */
  k?: number;
  /** Refuse below this evidence score, in [0, 1] (default {@link DEFAULT_EVIDENCE_THRESHOLD}; 0 never refuses unless nothing is found). */
  evidenceThreshold?: number;
  /**
   * Earlier turns, oldest first. The question is condensed with them for retrieval (see
   * `condenseQuestion`), and the most recent question–answer pairs that fit `historyTokenBudget`
   * go into the prompt, so a follow-up ("说简单点") reaches the model with the answer it refers to.
   */
  history?: readonly ConversationTurn[];
  /**
   * Most estimated tokens of earlier turns in the prompt, taken out of `contextTokenBudget`
   * (default a quarter of it; 0 sends none; must stay below it). See `buildAnswerPrompt`.
   */
  historyTokenBudget?: number;
  /** Dynamic few-shot: the selector's best `k` solved examples go into the prompt as chat turns. */
  examples?: { selector: ExampleSelector; k: number };
  signal?: AbortSignal;
  /** Default: the default analyzer. Must match the knowledge base's for meaningful scores. */
  analyzer?: Analyzer;
  termWeight?: TermWeight;
  /** Default `auto` (from the question). */
  language?: Language | 'auto';
  /** Overrides the knowledge base's stored system prompt. */
  systemPrompt?: string;
  /** Tokens for sources and earlier turns together (default: the model's context minus maxTokens minus 512, at least 256; 3000 when unknown). */
  contextTokenBudget?: number;
  /** Default 0.2. */
  temperature?: number;
  /** Default 1024. */
  maxTokens?: number;
  /** Passed to `kb.search` (mode, weights, reranker). */
  search?: Omit<RetrieveOptions, 'k'>;
  /**
   * Whose question it is: retrieval considers only documents this caller may read, so nothing
   * else reaches the evidence score, the extractive answer, the prompt or the citations. Default:
   * unrestricted (the CLI, an admin).
   */
  access?: AccessFilter;
  /** Sentence support threshold of the post-check (default 0.5). */
  supportThreshold?: number;
  /**
   * Remove the sentences the post-check finds unsupported from the answer (they are listed in
   * `Answer.strictRemoved`), for users who prefer a shorter answer to an unsupported one. Default
   * false: they stay, flagged in `unsupportedSentences`.
   */
  strict?: boolean;
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number;
}

/**
 * Answers a question from a knowledge base with citations (system S1 step 5 and S2):
 *
 * ```
 * question ─ condense (history) ─ search ─ evidence ≥ threshold? ─ no ──→ refused (no model call)
 *                                                   └ yes ─ model? ─ no ──→ extractive (quoted, cited)
 *                                                                  └ yes ─→ prompt (+ recent turns) → stream → post-check
 * ```
 *
 * Returns at once; iterate for parts as they happen, or await `answer`. See `AnswerStreamPart`
 * for the order of parts. The post-check removes markers that point at no source and flags
 * sentences their citations do not support; a stream cut mid-answer keeps its text and is marked
 * `incomplete`. `sources` holds the passages exactly as the prompt gave them to the model, and
 * `refusal` says when the answer declines: hangjia's own refusal, or a model reply that is only
 * the "not covered" sentence.
 *
 * @example
 * const stream = answerQuestion(kb, '试用期最长多久？', { model, k: 5 });
 * for await (const part of stream) if (part.type === 'text-delta') process.stdout.write(part.delta);
 * const answer = await stream.answer; // answer.citations, answer.unsupportedSentences, …
 */
export function answerQuestion(kb: AnswerKnowledgeBase, question: string, options: AnswerQuestionOptions = {}): AnswerStream {
  const channel = createPartChannel<AnswerStreamPart>();
  const answer = run(kb, question, options, (part) => channel.push(part)).finally(() => channel.close());
  answer.catch(() => undefined);
  return { answer, [Symbol.asyncIterator]: () => channel.iterable[Symbol.asyncIterator]() };
}

async function run(kb: AnswerKnowledgeBase, question: string, options: AnswerQuestionOptions, emit: (part: AnswerStreamPart) => void): Promise<Answer> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  if (question.trim() === '') throw new HangjiaError('E_USAGE', 'The question is empty.', { details: { question } });
  const analyzer = options.analyzer ?? createAnalyzer();
  const threshold = options.evidenceThreshold ?? DEFAULT_EVIDENCE_THRESHOLD;
  const language = !options.language || options.language === 'auto' ? detectLanguage(question) : options.language;
  const template = ANSWER_PROMPT_TEMPLATES[language];
  const { model } = options;

  try {
    const condensed = options.history?.length
      ? await condenseQuestion(options.history, question, { analyzer, ...(model ? { model } : {}), ...(options.signal ? { abortSignal: options.signal } : {}) })
      : { question, method: 'unchanged' as const };
    const condensedAt = now();
    const retrieval = await kb.search(condensed.question, { ...options.search, k: options.k ?? 5, ...(options.access ? { access: options.access } : {}) });
    const retrievedAt = now();
    const hits = retrieval.hits;
    const evidence = scoreEvidence(condensed.question, hits, { analyzer, ...(options.termWeight ? { termWeight: options.termWeight } : {}) });
    emit({ type: 'retrieval-end', query: condensed.question, hits, evidence, retrievalMs: retrievedAt - condensedAt });

    const base = {
      question,
      standaloneQuestion: condensed.question,
      language,
      evidence,
      evidenceThreshold: threshold,
      hits,
      incomplete: false,
      removedMarkers: [],
      unsupportedSentences: [],
      droppedRanks: [],
      sources: [],
      // No prompt yet: the model has seen none of the earlier turns.
      history: { sent: 0, omitted: options.history?.length ?? 0 },
      usage: { inputTokens: undefined, outputTokens: undefined },
    } satisfies Partial<Answer>;
    const timings = (extra: Partial<Answer['timings']> = {}): Answer['timings'] => ({
      condenseMs: condensedAt - started,
      retrievalMs: retrievedAt - condensedAt,
      ...extra,
      totalMs: now() - started,
    });
    const finish = (answer: Answer): Answer => {
      emit({ type: 'answer-end', answer });
      return answer;
    };

    if (hits.length === 0 || evidence.score < threshold) {
      emit({ type: 'text-delta', delta: template.notCovered });
      return finish({ ...base, kind: 'refused', refusal: 'evidence-threshold', text: template.notCovered, citations: [], tokens: { prompt: 0, sources: 0, history: 0, answer: 0 }, timings: timings() });
    }

    if (!model) {
      const extracted = extractAnswer(condensed.question, hits, { analyzer, language, ...(options.termWeight ? { termWeight: options.termWeight } : {}) });
      emit({ type: 'text-delta', delta: extracted.text });
      for (const citation of extracted.citations) emit({ type: 'citation', citation });
      const sources = hits.map((hit, index) => ({ n: index + 1, rank: index + 1, text: hit.chunk.text.trim(), truncated: false }));
      return finish({ ...base, kind: 'extractive', text: extracted.text, citations: extracted.citations, sources, tokens: { prompt: 0, sources: 0, history: 0, answer: 0 }, timings: timings() });
    }

    const maxTokens = options.maxTokens ?? 1024;
    const fewShot = options.examples ? renderFewShotMessages(await options.examples.selector.select(condensed.question, { k: options.examples.k })) : [];
    const systemPrompt = options.systemPrompt ?? kb.store?.getMeta(KB_SYSTEM_PROMPT_KEY);
    const prompt = buildAnswerPrompt({
      question: condensed.question === question ? question : `${question}${language === 'zh' ? '（即：' : ' (i.e. '}${condensed.question}${language === 'zh' ? '）' : ')'}`,
      hits,
      language,
      contextTokenBudget: options.contextTokenBudget ?? (model.contextSize ? Math.max(256, model.contextSize - maxTokens - 512) : 3000),
      ...(systemPrompt ? { systemPrompt } : {}),
      fewShot,
      ...(options.history ? { history: options.history } : {}),
      ...(options.historyTokenBudget === undefined ? {} : { historyTokenBudget: options.historyTokenBudget }),
    });
    const generationStarted = now();
    let firstTokenAt: number | undefined;
    const result = streamText(model, {
      messages: prompt.messages,
      temperature: options.temperature ?? 0.2,
      maxTokens,
      ...(options.signal ? { abortSignal: options.signal } : {}),
    });
    for await (const part of result) {
      if (part.type === 'text-delta') {
        firstTokenAt ??= now();
        emit({ type: 'text-delta', delta: part.delta });
      } else if (part.type === 'error') {
        emit({ type: 'error', error: part.error });
      }
    }
    const streamed = await result.completion;
    const check = checkAnswer(streamed.text, prompt.sources.map((source) => source.hit), {
      analyzer,
      ...(options.termWeight ? { termWeight: options.termWeight } : {}),
      ...(options.supportThreshold === undefined ? {} : { supportThreshold: options.supportThreshold }),
    });
    for (const citation of check.citations) emit({ type: 'citation', citation });
    // The model's own "not covered" sentence (or a paraphrase of it) needs no citation.
    const unsupported = check.unsupportedSentences.filter((sentence) => !isRefusalSentence(sentence.sentence));
    const strict = options.strict === true && unsupported.length > 0 ? removeSentences(check.text, unsupported) : undefined;
    // A source cited only by removed sentences is no longer a citation of the answer.
    const cited = strict === undefined ? undefined : new Set(findMarkers(strict).flatMap((marker) => marker.numbers));
    return finish({
      ...base,
      kind: 'generated',
      text: strict ?? check.text,
      ...(options.strict === true ? { strictRemoved: strict === undefined ? [] : unsupported } : {}),
      rawText: streamed.text,
      citations: cited === undefined ? check.citations : check.citations.filter((citation) => cited.has(citation.n)),
      removedMarkers: check.removedMarkers,
      // Under strict the sentences are gone from the text, so their offsets are no longer in it.
      unsupportedSentences: strict === undefined ? unsupported : [],
      incomplete: streamed.incomplete,
      finishReason: streamed.finishReason,
      ...(streamed.error ? { error: streamed.error } : {}),
      droppedRanks: prompt.dropped.map((dropped) => dropped.rank),
      sources: prompt.sources.map(({ n, rank, text, truncated }) => ({ n, rank, text, truncated })),
      history: prompt.history,
      ...(isRefusalReply(check.text) ? { refusal: 'model' as const } : {}),
      model: { provider: model.provider, modelId: model.modelId },
      usage: streamed.usage,
      tokens: { prompt: prompt.promptTokens, sources: prompt.sourceTokens, history: prompt.historyTokens, answer: estimateTokens(streamed.text) },
      timings: timings({ ...(firstTokenAt === undefined ? {} : { firstTokenMs: firstTokenAt - generationStarted }), generationMs: now() - generationStarted }),
    });
  } catch (error) {
    if (HangjiaError.is(error)) emit({ type: 'error', error });
    throw error;
  }
}

/** `text` without the given sentences (offsets in `text`), and without the blank runs they leave. */
function removeSentences(text: string, sentences: readonly SentenceCheck[]): string {
  let kept = '';
  let from = 0;
  for (const sentence of [...sentences].sort((left, right) => left.start - right.start)) {
    kept += text.slice(from, sentence.start);
    from = sentence.end;
  }
  return (kept + text.slice(from)).replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}
