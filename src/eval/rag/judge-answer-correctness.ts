import { generateObject, type JsonSchema, type LanguageModel } from '../../models/index.js';
import { detectLanguage } from '../../prompt/index.js';

/** The judge's verdict on one answer against its reference, and what it scores. */
export interface AnswerCorrectnessVerdict {
  verdict: 'correct' | 'partially-correct' | 'incorrect';
  /** 1, 0.5 or 0. */
  score: number;
  reason: string;
}

/** Sent as the schema name of the call (`response_format.json_schema.name`). */
export const ANSWER_CORRECTNESS_TASK = 'answer_correctness_verdict';

const SCHEMA: JsonSchema = {
  type: 'object',
  properties: { reason: { type: 'string' }, verdict: { type: 'string', enum: ['correct', 'partially-correct', 'incorrect'] } },
  required: ['reason', 'verdict'],
};

const SCORES: Record<AnswerCorrectnessVerdict['verdict'], number> = { correct: 1, 'partially-correct': 0.5, incorrect: 0 };

const PROMPTS = {
  zh: {
    system:
      '你是严格的阅卷人。给定问题、参考答案和待评答案，判断待评答案是否正确：与参考答案的要点一致且无矛盾为 correct；只答对部分要点、或有遗漏但无错误为 partially-correct；答错、与参考答案矛盾、答非所问或拒绝回答为 incorrect。措辞不同不扣分。只输出 JSON：{"reason": 简短理由, "verdict": "correct" | "partially-correct" | "incorrect"}。',
    question: '问题：',
    reference: '参考答案：',
    answer: '待评答案：',
  },
  en: {
    system:
      'You are a strict grader. Given a question, a reference answer and an answer, judge the answer: correct when it agrees with the reference on its key points and contradicts nothing; partially-correct when it gets some key points right and misses others without stating anything wrong; incorrect when it is wrong, contradicts the reference, does not answer, or declines. Wording does not matter. Output only JSON: {"reason": a short reason, "verdict": "correct" | "partially-correct" | "incorrect"}.',
    question: 'Question:',
    reference: 'Reference answer:',
    answer: 'Answer:',
  },
} as const;

/**
 * Model-judged answer correctness: one call asks `model` whether `answer` agrees with
 * `reference` (correct 1, partially correct 0.5, incorrect 0), through `generateObject` with a
 * JSON schema, so a malformed verdict fails as `E_MODEL_OUTPUT` instead of being guessed at. A
 * three-level grade, as in the correctness judges of MT-Bench-style reference grading (Zheng et
 * al. 2023, "Judging LLM-as-a-Judge", §3 "reference-guided grading"); char-F1 and ROUGE-L stay the
 * model-free measures beside it.
 *
 * @example
 * const { score } = await judgeAnswerCorrectness(judge, { question: '试用期最长多久？', reference: '六个月', answer: '最长六个月[1]。' });
 */
export async function judgeAnswerCorrectness(
  model: LanguageModel,
  item: { question: string; reference: string; answer: string },
  options: { temperature?: number; maxTokens?: number; signal?: AbortSignal } = {},
): Promise<AnswerCorrectnessVerdict> {
  const prompts = PROMPTS[detectLanguage(item.question)];
  const { object } = await generateObject<{ reason: string; verdict: AnswerCorrectnessVerdict['verdict'] }>(model, {
    messages: [
      { role: 'system', content: prompts.system },
      { role: 'user', content: `${prompts.question}\n${item.question}\n\n${prompts.reference}\n${item.reference}\n\n${prompts.answer}\n${item.answer}` },
    ],
    schema: SCHEMA,
    schemaName: ANSWER_CORRECTNESS_TASK,
    temperature: options.temperature ?? 0,
    maxTokens: options.maxTokens ?? 512,
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });
  return { verdict: object.verdict, score: SCORES[object.verdict], reason: object.reason };
}
