import { answerQuestion, type AnswerKnowledgeBase, type AnswerQuestionOptions } from '../../answer/index.js';
import { renderFewShotMessages, type ExampleSelector } from '../../examples/index.js';
import { generateText, type LanguageModel, type LanguageModelMessage } from '../../models/index.js';
import { detectLanguage } from '../../prompt/index.js';
import { HangjiaError } from '../../errors/index.js';
import { answerToRagSample, type RagSample } from '../rag/index.js';

/** One strategy's answer to one free-form question, as `compareAnswerStrategies` scores it. */
export interface FreeFormAnswer extends Pick<RagSample, 'answer' | 'contexts' | 'refusal' | 'passages'> {
  /** What the answer cost; 0 where the backend reports nothing. */
  usage: { inputTokens: number; outputTokens: number };
}

/**
 * How a strategy answers a question. Adding a strategy (PEARL, an agent) means writing one of
 * these and naming it in the comparison; everything after it — scoring, intervals, paired tests,
 * cost, the report — is shared.
 */
export type FreeFormAnswerer = (question: string, signal?: AbortSignal) => Promise<FreeFormAnswer>;

const DIRECT_SYSTEM_PROMPTS = {
  zh: '你是该领域的专家。请直接、准确、简洁地回答问题。',
  en: 'You are an expert in this field. Answer the question directly, accurately and briefly.',
} as const;

/** Options for {@link createDirectAnswerer}. */
export interface DirectAnswererOptions {
  model: LanguageModel;
  /** Dynamic few-shot: the selector's best `k` solved examples go before the question as chat turns. */
  examples?: { selector: ExampleSelector; k: number };
  temperature?: number;
  maxTokens?: number;
}

/**
 * Zero-shot, few-shot and other-endpoint answers: the model answers from what it knows, with no
 * passages (so no faithfulness or citations to score), after a one-line system prompt in the
 * question's language and, for few-shot, solved examples as earlier turns (as `answerQuestion`
 * puts them).
 */
export function createDirectAnswerer(options: DirectAnswererOptions): FreeFormAnswerer {
  const { model, examples, temperature = 0, maxTokens = 512 } = options;
  return async (question, signal) => {
    const shots = examples ? renderFewShotMessages(await examples.selector.select(question, { k: examples.k })) : [];
    const messages: LanguageModelMessage[] = [{ role: 'system', content: DIRECT_SYSTEM_PROMPTS[detectLanguage(question)] }, ...shots, { role: 'user', content: question }];
    const result = await generateText(model, { messages, temperature, maxTokens, ...(signal ? { abortSignal: signal } : {}) });
    return { answer: result.text.trim(), contexts: [], usage: { inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 } };
  };
}

/**
 * RAG and RAG + few-shot answers: `answerQuestion` over the knowledge base — retrieval, the
 * evidence threshold (a refusal without a model call), the cited prompt, the post-check — scored
 * against the passages as the prompt gave them (`answerToRagSample`). A stream cut by an error
 * fails the item (a re-run asks again) rather than scoring half an answer.
 */
export function createKnowledgeBaseAnswerer(knowledgeBase: AnswerKnowledgeBase, options: AnswerQuestionOptions): FreeFormAnswerer {
  return async (question, signal) => {
    const answer = await answerQuestion(knowledgeBase, question, { ...options, ...(signal ? { signal } : {}) }).answer;
    if (answer.incomplete) {
      throw answer.error ?? new HangjiaError('E_ABORTED', `The answer to "${question}" was cut off (${answer.finishReason ?? 'abort'}).`, { isRetryable: true, details: { question } });
    }
    return { ...answerToRagSample(answer), usage: { inputTokens: answer.usage.inputTokens ?? 0, outputTokens: answer.usage.outputTokens ?? 0 } };
  };
}
