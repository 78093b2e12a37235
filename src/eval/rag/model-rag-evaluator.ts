import { createAnalyzer, type Analyzer } from '../../analysis/index.js';
import { defaultTermWeight, type TermWeight } from '../../answer/index.js';
import { embedMany, generateObject, type EmbeddingModel, type JsonSchema, type LanguageModel, type LanguageModelMessage } from '../../models/index.js';
import { detectLanguage, type Language } from '../../prompt/index.js';
import { citedPassage, citedSentences } from './_sentences.js';
import { citationScores, contextPrecisionScore, contextRecallScore, cosineSimilarity, faithfulnessScore } from './rag-scores.js';
import type { CitationVerdict, RagEvaluator, RagSample } from './rag-sample.js';

/** Options for {@link createModelRagEvaluator}. */
export interface ModelRagEvaluatorOptions {
  /** The judge. A model stronger than (and different from) the one being judged is the usual advice. */
  model: LanguageModel;
  /**
   * For answer relevancy: the cosine of the question's and the generated questions' embeddings
   * (RAGAS). Without it the cosine is taken over weighted analyzer terms (labelled `lexical`).
   */
  embeddingModel?: EmbeddingModel;
  /** Questions generated from the answer for answer relevancy, 1–10. Default 3 (RAGAS `strictness`). */
  questionCount?: number;
  /** For the lexical cosine. Default `createAnalyzer()`. */
  analyzer?: Analyzer;
  /** For the lexical cosine. Default `defaultTermWeight`. */
  termWeight?: TermWeight;
  /** Judge sampling temperature. Default 0, so re-judging reproduces verdicts where the backend allows. */
  temperature?: number;
  /** Most tokens per judge reply. Default 2048 (a verdict with a reason per claim). */
  maxTokens?: number;
  /** Prompt language: `auto` follows the question (Chinese when it has Han characters). Default `auto`. */
  language?: Language | 'auto';
}

/** Schema names sent with each judge call (`response_format.json_schema.name`), one per task. */
export const RAG_JUDGE_TASKS = {
  statements: 'rag_answer_statements',
  faithfulness: 'rag_faithfulness_verdicts',
  questions: 'rag_generated_questions',
  contextPrecision: 'rag_context_precision_verdicts',
  contextRecall: 'rag_context_recall_classifications',
  citations: 'rag_citation_verdicts',
} as const;

const VERDICT: JsonSchema = { type: 'integer', enum: [0, 1] };
const REASONED_VERDICTS = (count: number): JsonSchema => ({
  type: 'object',
  properties: {
    verdicts: {
      type: 'array',
      minItems: count,
      maxItems: count,
      items: { type: 'object', properties: { reason: { type: 'string' }, verdict: VERDICT }, required: ['reason', 'verdict'] },
    },
  },
  required: ['verdicts'],
});

/**
 * The **model-judged** RAG metrics, after RAGAS (Es et al. 2023, arXiv:2309.15217; prompts as in
 * the RAGAS documentation, https://docs.ragas.io/en/stable/concepts/metrics/available_metrics/).
 * Every judgment goes through `generateObject` with a JSON schema, so malformed verdicts fail
 * as `E_MODEL_OUTPUT` instead of being guessed at; a reply with the wrong number of verdicts
 * breaks the schema's `minItems`/`maxItems`.
 *
 * - faithfulness: the judge breaks the answer into standalone statements, then gives a 0/1
 *   verdict per statement against all contexts (two calls; one when there are no statements);
 * - answer relevancy: the judge writes `questionCount` questions the answer would answer and
 *   flags a noncommittal answer; the score is the mean cosine between the question and each
 *   generated one (embeddings when given, else weighted terms), times 0 when noncommittal;
 * - context precision: a 0/1 "useful for reaching the reference (else the answer)" verdict per
 *   context, scored rank-weighted (`contextPrecisionScore`);
 * - context recall: the judge splits the reference into statements and marks each attributable
 *   to the contexts or not (needs a reference; no call without one);
 * - citations: a 0/1 "does passage n support this sentence" verdict per `[n]` of each sentence
 *   (no call when nothing is cited; markers pointing at no context are unsupported uncalled).
 *
 * @example
 * const evaluator = createModelRagEvaluator({ model: judge, embeddingModel });
 * const { score, claims } = await evaluator.faithfulness(sample);
 */
export function createModelRagEvaluator(options: ModelRagEvaluatorOptions): RagEvaluator {
  const { model, embeddingModel, temperature = 0, maxTokens = 2048 } = options;
  const questionCount = options.questionCount ?? 3;
  const analyzer = options.analyzer ?? createAnalyzer();
  const weigh = options.termWeight ?? defaultTermWeight;
  const languageOf = (sample: RagSample): Language =>
    options.language === undefined || options.language === 'auto' ? detectLanguage(sample.question) : options.language;

  const judge = async <T>(task: string, system: string, user: string, schema: JsonSchema, signal: AbortSignal | undefined): Promise<T> => {
    const messages: LanguageModelMessage[] = [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ];
    const { object } = await generateObject<T>(model, { messages, schema, schemaName: task, temperature, maxTokens, ...(signal ? { abortSignal: signal } : {}) });
    return object;
  };

  const lexicalCosine = (left: string, right: string): number => {
    const vector = (text: string): Map<string, number> => new Map([...new Set(analyzer.analyze(text))].map((term) => [term, weigh(term)] as const).filter(([, weight]) => weight > 0));
    const a = vector(left);
    const b = vector(right);
    const norm = (terms: Map<string, number>): number => Math.sqrt([...terms.values()].reduce((sum, weight) => sum + weight * weight, 0));
    let dot = 0;
    for (const [term, weight] of a) dot += weight * (b.get(term) ?? 0);
    return a.size === 0 || b.size === 0 ? 0 : dot / (norm(a) * norm(b));
  };

  return {
    variant: 'model',
    settings: {
      variant: 'model',
      judge: { provider: model.provider, modelId: model.modelId },
      embedding: embeddingModel === undefined ? null : { provider: embeddingModel.provider, modelId: embeddingModel.modelId },
      questionCount,
      temperature,
      language: options.language ?? 'auto',
    },

    async faithfulness(sample, signal) {
      const prompts = PROMPTS[languageOf(sample)];
      const { statements } = await judge<{ statements: string[] }>(
        RAG_JUDGE_TASKS.statements,
        prompts.statements,
        `${prompts.question}\n${sample.question}\n\n${prompts.answer}\n${sample.answer}`,
        { type: 'object', properties: { statements: { type: 'array', items: { type: 'string' } } }, required: ['statements'] },
        signal,
      );
      if (statements.length === 0) return { score: null, claims: [] };
      const { verdicts } = await judge<{ verdicts: Array<{ reason: string; verdict: number }> }>(
        RAG_JUDGE_TASKS.faithfulness,
        prompts.faithfulness,
        `${prompts.context}\n${numbered(sample.contexts)}\n\n${prompts.statementsHeading}\n${numbered(statements)}`,
        REASONED_VERDICTS(statements.length),
        signal,
      );
      const claims = statements.map((claim, index) => ({ claim, supported: verdicts[index]!.verdict === 1, reason: verdicts[index]!.reason }));
      return { score: faithfulnessScore(claims.map((claim) => claim.supported)), claims };
    },

    async answerRelevancy(sample, signal) {
      const similarity = embeddingModel === undefined ? 'lexical' : 'embedding';
      if (sample.answer.trim() === '') return { score: null, similarity };
      const prompts = PROMPTS[languageOf(sample)];
      const { questions, noncommittal } = await judge<{ questions: string[]; noncommittal: number }>(
        RAG_JUDGE_TASKS.questions,
        prompts.questions(questionCount),
        `${prompts.answer}\n${sample.answer}`,
        {
          type: 'object',
          properties: { questions: { type: 'array', items: { type: 'string' }, minItems: questionCount, maxItems: questionCount }, noncommittal: VERDICT },
          required: ['questions', 'noncommittal'],
        },
        signal,
      );
      let similarities: number[];
      if (embeddingModel === undefined) {
        similarities = questions.map((question) => lexicalCosine(sample.question, question));
      } else {
        const { embeddings } = await embedMany(embeddingModel, [sample.question, ...questions], signal ? { abortSignal: signal } : {});
        similarities = embeddings.slice(1).map((vector) => cosineSimilarity(embeddings[0]!, vector));
      }
      const mean = similarities.reduce((sum, value) => sum + value, 0) / similarities.length;
      return { score: noncommittal === 1 ? 0 : mean, generatedQuestions: questions, similarities, noncommittal: noncommittal === 1, similarity };
    },

    async contextPrecision(sample, signal) {
      const judgedAgainst = sample.reference === undefined ? 'answer' : 'reference';
      if (sample.contexts.length === 0) return { score: null, relevant: [], judgedAgainst };
      const prompts = PROMPTS[languageOf(sample)];
      const { verdicts } = await judge<{ verdicts: Array<{ reason: string; verdict: number }> }>(
        RAG_JUDGE_TASKS.contextPrecision,
        prompts.contextPrecision,
        `${prompts.question}\n${sample.question}\n\n${judgedAgainst === 'reference' ? prompts.reference : prompts.answer}\n${sample.reference ?? sample.answer}\n\n${prompts.contexts}\n${numbered(sample.contexts)}`,
        REASONED_VERDICTS(sample.contexts.length),
        signal,
      );
      const relevant = verdicts.map((verdict) => verdict.verdict === 1);
      return { score: contextPrecisionScore(relevant), relevant, reasons: verdicts.map((verdict) => verdict.reason), judgedAgainst };
    },

    async contextRecall(sample, signal) {
      if (sample.reference === undefined) return { score: null, statements: [] };
      const prompts = PROMPTS[languageOf(sample)];
      const { classifications } = await judge<{ classifications: Array<{ statement: string; reason: string; attributed: number }> }>(
        RAG_JUDGE_TASKS.contextRecall,
        prompts.contextRecall,
        `${prompts.question}\n${sample.question}\n\n${prompts.context}\n${numbered(sample.contexts)}\n\n${prompts.reference}\n${sample.reference}`,
        {
          type: 'object',
          properties: {
            classifications: {
              type: 'array',
              items: { type: 'object', properties: { statement: { type: 'string' }, reason: { type: 'string' }, attributed: VERDICT }, required: ['statement', 'reason', 'attributed'] },
            },
          },
          required: ['classifications'],
        },
        signal,
      );
      const statements = classifications.map((entry) => ({ statement: entry.statement, attributed: entry.attributed === 1, reason: entry.reason }));
      return { score: contextRecallScore(statements.map((statement) => statement.attributed)), statements };
    },

    async citationCorrectness(sample, signal) {
      const sentences = citedSentences(sample.answer);
      const citations: CitationVerdict[] = [];
      const asked: Array<{ index: number; sentence: string; passage: string }> = [];
      sentences.forEach(({ sentence, cited }, index) => {
        for (const n of cited) {
          const passage = citedPassage(sample, n);
          if (passage === undefined) citations.push({ sentence: index, n, supported: false, reason: 'no-such-source' });
          else {
            asked.push({ index: citations.length, sentence, passage });
            citations.push({ sentence: index, n, supported: false });
          }
        }
      });
      if (asked.length > 0) {
        const prompts = PROMPTS[languageOf(sample)];
        const { verdicts } = await judge<{ verdicts: Array<{ reason: string; verdict: number }> }>(
          RAG_JUDGE_TASKS.citations,
          prompts.citations,
          asked.map((pair, index) => `${prompts.pair} ${index + 1}\n${prompts.sentence} ${pair.sentence}\n${prompts.passage} ${pair.passage}`).join('\n\n'),
          REASONED_VERDICTS(asked.length),
          signal,
        );
        asked.forEach((pair, index) => {
          citations[pair.index] = { ...citations[pair.index]!, supported: verdicts[index]!.verdict === 1, reason: verdicts[index]!.reason };
        });
      }
      const scores = citationScores(sentences.length, citations);
      return {
        citationPrecision: scores.citationPrecision,
        citedSentenceAccuracy: scores.citedSentenceAccuracy,
        citationCoverage: scores.citationCoverage,
        sentences: sentences.map(({ sentence, cited }, index) => ({ sentence, cited, correct: scores.correct[index] ?? null })),
        citations,
      };
    },
  };
}

function numbered(items: readonly string[]): string {
  return items.map((item, index) => `[${index + 1}] ${item}`).join('\n');
}

/** The judge prompts, after the RAGAS prompts (rephrased, with Chinese versions). */
const PROMPTS: Record<Language, {
  question: string; answer: string; reference: string; context: string; contexts: string; statementsHeading: string;
  pair: string; sentence: string; passage: string;
  statements: string; faithfulness: string; questions: (count: number) => string; contextPrecision: string; contextRecall: string; citations: string;
}> = {
  en: {
    question: 'Question:', answer: 'Answer:', reference: 'Reference answer:', context: 'Context:', contexts: 'Contexts (in rank order):', statementsHeading: 'Statements:',
    pair: 'Pair', sentence: 'Sentence:', passage: 'Passage:',
    statements:
      'Given a question and an answer, break the answer down into one or more standalone statements. Each statement must be understandable on its own: replace pronouns with what they refer to. Do not add anything the answer does not say. Reply in JSON: {"statements": [...]}.',
    faithfulness:
      'Judge the faithfulness of each numbered statement against the context. Give verdict 1 if the statement can be directly inferred from the context, 0 if it cannot (including when it is only plausible or general knowledge). Give a short reason first. Reply in JSON with one entry per statement, in order: {"verdicts": [{"reason": "...", "verdict": 0 or 1}]}.',
    questions: (count) =>
      `Write ${count} different questions that the given answer answers, and say whether the answer is noncommittal: noncommittal 1 if it is evasive, vague or ambiguous (e.g. "I don't know", "I'm not sure"), else 0. Reply in JSON: {"questions": [...], "noncommittal": 0 or 1}.`,
    contextPrecision:
      'For each numbered context, decide whether it was useful in arriving at the given answer to the question: verdict 1 if useful, 0 if not. Give a short reason first. Reply in JSON with one entry per context, in order: {"verdicts": [{"reason": "...", "verdict": 0 or 1}]}.',
    contextRecall:
      'Break the reference answer into statements and classify each: attributed 1 if the statement can be attributed to the given context, 0 if not. Reply in JSON: {"classifications": [{"statement": "...", "reason": "...", "attributed": 0 or 1}]}.',
    citations:
      'Each numbered pair holds a sentence of an answer and the passage it cites. Give verdict 1 if the passage supports the sentence (the sentence can be inferred from the passage), 0 if not. Give a short reason first. Reply in JSON with one entry per pair, in order: {"verdicts": [{"reason": "...", "verdict": 0 or 1}]}.',
  },
  zh: {
    question: '问题：', answer: '回答：', reference: '参考答案：', context: '上下文：', contexts: '上下文（按检索排名）：', statementsHeading: '陈述：',
    pair: '组', sentence: '句子：', passage: '引用段落：',
    statements:
      '给定一个问题和一个回答，把回答拆成一条或多条独立的陈述。每条陈述必须脱离上下文也能看懂：把代词换成它所指的内容。不要添加回答中没有的内容。用 JSON 回复：{"statements": [...]}。',
    faithfulness:
      '逐条判断编号陈述是否忠实于上下文：能从上下文直接推出的给 verdict 1，不能推出的（包括仅仅合理或属于常识的）给 0。先写简短理由。按顺序每条陈述一项，用 JSON 回复：{"verdicts": [{"reason": "...", "verdict": 0 或 1}]}。',
    questions: (count) =>
      `写出 ${count} 个不同的问题，使给定回答恰好回答这些问题；并判断回答是否含糊其辞：回避、含糊或模棱两可（如“我不知道”“不确定”）时 noncommittal 为 1，否则为 0。用 JSON 回复：{"questions": [...], "noncommittal": 0 或 1}。`,
    contextPrecision:
      '对每个编号的上下文，判断它对得出该问题的给定答案是否有用：有用给 verdict 1，没用给 0。先写简短理由。按顺序每个上下文一项，用 JSON 回复：{"verdicts": [{"reason": "...", "verdict": 0 或 1}]}。',
    contextRecall:
      '把参考答案拆成若干陈述并逐条分类：能归因于给定上下文的 attributed 为 1，不能的为 0。用 JSON 回复：{"classifications": [{"statement": "...", "reason": "...", "attributed": 0 或 1}]}。',
    citations:
      '每组编号内容是回答中的一句话和它引用的段落。段落支持该句（能从段落推出该句）给 verdict 1，否则给 0。先写简短理由。按顺序每组一项，用 JSON 回复：{"verdicts": [{"reason": "...", "verdict": 0 或 1}]}。',
  },
};
