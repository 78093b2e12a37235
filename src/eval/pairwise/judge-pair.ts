import { generateObject, type JsonSchema, type LanguageModel } from '../../models/index.js';
import { detectLanguage, type Language } from '../../prompt/index.js';
import type { PairwiseItem, PairwiseOutcome } from './pairwise-item.js';
import { DEFAULT_PAIRWISE_RUBRIC } from './pairwise-rubric.js';

/** Which answer one ordering's verdict preferred, in A/B terms. */
export type PairwisePreference = 'A' | 'B' | 'tie';

/**
 * Position-swap rule (Zheng et al. 2023, "Judging LLM-as-a-Judge with MT-Bench and Chatbot
 * Arena", §3.4, the "conservative" approach): the pair is judged twice, A first and then B
 * first; an answer wins only when both orders prefer it. Any other combination — the orders
 * disagree, or either says tie — is a tie. A judge that always prefers whichever answer it sees
 * first therefore produces only ties, never a spurious win.
 *
 * @example
 * combineSwappedVerdicts('A', 'A')   // 'win'
 * combineSwappedVerdicts('A', 'B')   // 'tie' (position bias)
 * combineSwappedVerdicts('B', 'tie') // 'tie'
 */
export function combineSwappedVerdicts(first: PairwisePreference, second: PairwisePreference): PairwiseOutcome {
  if (first === 'A' && second === 'A') return 'win';
  if (first === 'B' && second === 'B') return 'loss';
  return 'tie';
}

/** Options for {@link judgePair}. */
export interface JudgePairOptions {
  model: LanguageModel;
  /** Default {@link DEFAULT_PAIRWISE_RUBRIC} in the prompt language. */
  rubric?: string;
  /** Default `auto`: Chinese when the question has Han characters. */
  language?: Language | 'auto';
  /** Default 0. */
  temperature?: number;
  /** Default 1024. */
  maxTokens?: number;
  signal?: AbortSignal;
}

/** Both orders' verdicts and the combined outcome for A. */
export interface PairJudgment {
  /** A shown first. */
  first: { preference: PairwisePreference; reason: string };
  /** B shown first (preference already mapped back to A/B). */
  second: { preference: PairwisePreference; reason: string };
  outcome: PairwiseOutcome;
  /** The two orders agreed (both A, both B, or both tie). */
  consistent: boolean;
}

/** The schema name of pairwise judge calls (`response_format.json_schema.name`). */
export const PAIRWISE_JUDGE_TASK = 'pairwise_verdict';

const SCHEMA: JsonSchema = {
  type: 'object',
  properties: { reason: { type: 'string' }, verdict: { type: 'string', enum: ['1', '2', 'tie'] } },
  required: ['reason', 'verdict'],
};

/**
 * Judges A against B with `model` in both orders (two `generateObject` calls: A as answer 1,
 * then B as answer 1) and combines them with {@link combineSwappedVerdicts}. The judge writes its
 * reason before its verdict ("1", "2" or "tie").
 */
export async function judgePair(item: PairwiseItem, options: JudgePairOptions): Promise<PairJudgment> {
  const language = options.language === undefined || options.language === 'auto' ? detectLanguage(item.question) : options.language;
  const rubric = options.rubric ?? DEFAULT_PAIRWISE_RUBRIC[language];
  const ask = async (one: string, two: string): Promise<{ verdict: '1' | '2' | 'tie'; reason: string }> => {
    const text = LABELS[language];
    const user = [
      `${text.question}\n${item.question}`,
      ...(item.reference === undefined ? [] : [`${text.reference}\n${item.reference}`]),
      `${text.answer} 1\n${one}`,
      `${text.answer} 2\n${two}`,
    ].join('\n\n');
    const { object } = await generateObject<{ verdict: '1' | '2' | 'tie'; reason: string }>(options.model, {
      messages: [
        { role: 'system', content: `${text.role}\n\n${rubric}\n\n${text.reply}` },
        { role: 'user', content: user },
      ],
      schema: SCHEMA,
      schemaName: PAIRWISE_JUDGE_TASK,
      temperature: options.temperature ?? 0,
      maxTokens: options.maxTokens ?? 1024,
      ...(options.signal ? { abortSignal: options.signal } : {}),
    });
    return object;
  };
  const forward = await ask(item.answerA, item.answerB);
  const backward = await ask(item.answerB, item.answerA);
  const first: PairwisePreference = forward.verdict === '1' ? 'A' : forward.verdict === '2' ? 'B' : 'tie';
  const second: PairwisePreference = backward.verdict === '1' ? 'B' : backward.verdict === '2' ? 'A' : 'tie';
  return {
    first: { preference: first, reason: forward.reason },
    second: { preference: second, reason: backward.reason },
    outcome: combineSwappedVerdicts(first, second),
    consistent: first === second,
  };
}

const LABELS: Record<Language, { role: string; reply: string; question: string; reference: string; answer: string }> = {
  zh: {
    role: '你是一位严格、公正的评审，负责比较两个 AI 助手对同一问题的回答。',
    reply: '先简要说明理由，再给出结论：回答 1 更好填 "1"，回答 2 更好填 "2"，相当填 "tie"。用 JSON 回复：{"reason": "...", "verdict": "1" | "2" | "tie"}。',
    question: '问题：',
    reference: '参考答案：',
    answer: '回答',
  },
  en: {
    role: 'You are a strict and impartial judge comparing two AI assistants\' answers to the same question.',
    reply: 'Explain briefly first, then decide: "1" if answer 1 is better, "2" if answer 2 is better, "tie" if they are equal. Reply in JSON: {"reason": "...", "verdict": "1" | "2" | "tie"}.',
    question: 'Question:',
    reference: 'Reference answer:',
    answer: 'Answer',
  },
};
