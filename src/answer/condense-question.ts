import type { Analyzer } from '../analysis/index.js';
import { BIGRAM_PREFIX, UNIGRAM_PREFIX } from '../analysis/index.js';
import { estimateTokens } from '../chunking/index.js';
import type { HangjiaError } from '../errors/index.js';
import { generateText, type LanguageModel, type LanguageModelMessage } from '../models/index.js';
import { detectLanguage } from '../prompt/index.js';

/** One earlier turn of the conversation. */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** Options for {@link condenseQuestion}. */
export interface CondenseQuestionOptions {
  analyzer: Analyzer;
  /** When given, the model rewrites the question; on failure the heuristic is used and the error reported. */
  model?: LanguageModel;
  abortSignal?: AbortSignal;
}

/** A question that can be searched on its own. */
export interface CondensedQuestion {
  question: string;
  /** `unchanged` (first turn, or a question that stands alone), `heuristic`, or `model`. */
  method: 'unchanged' | 'heuristic' | 'model';
  /** The model's failure, when it fell back to the heuristic. */
  error?: HangjiaError;
}

/** Words that point back at an earlier turn. */
const ANAPHORA_ZH = /它|他们|她们|这个|那个|这些|那些|这种|那种|该|其|上述|前者|后者|这样|那样|呢[？?]?$|那么|还有|另外|如果是/u;
const ANAPHORA_EN = /\b(it|its|they|them|their|this|that|these|those|he|she|what about|how about|and if)\b/i;
/** A question at most this many estimated tokens is treated as a follow-up. */
const SHORT_QUESTION_TOKENS = 8;
/** Key terms of the previous question carried over by the heuristic. */
const CARRIED_TERMS = 6;

/**
 * Rewrites a follow-up question into one that can be retrieved on its own.
 *
 * Without a model, the heuristic: when there is an earlier user turn and the new question is short
 * (≤ 8 estimated tokens) or refers back (它, 这个, 那…呢, it, that, what about…), prepend up to six
 * key terms of the previous user question that the new one lacks — whole analyzer words, not
 * characters or bigrams, in the order they appeared. `试用期最长多久？` then `那工资呢？` becomes
 * `试用期 最长 那工资呢？`. Otherwise the question is returned unchanged.
 *
 * With a model: it is asked to rewrite the question given the last few turns; an empty or failed
 * reply falls back to the heuristic.
 */
export async function condenseQuestion(history: readonly ConversationTurn[], question: string, options: CondenseQuestionOptions): Promise<CondensedQuestion> {
  const previousUser = [...history].reverse().find((turn) => turn.role === 'user');
  if (!previousUser) return { question, method: 'unchanged' };
  if (options.model) {
    try {
      const zh = detectLanguage(question) === 'zh';
      const transcript = history.slice(-6).map((turn) => `${turn.role === 'user' ? (zh ? '用户' : 'User') : zh ? '助手' : 'Assistant'}: ${turn.content}`).join('\n');
      const messages: LanguageModelMessage[] = [
        {
          role: 'system',
          content: zh
            ? '根据对话历史，把用户的最新问题改写成一个不依赖上下文、可以单独检索的完整问题。只输出改写后的问题。'
            : 'Given the conversation, rewrite the latest user question as a complete question that can be understood and searched on its own. Output only the rewritten question.',
        },
        { role: 'user', content: `${transcript}\n\n${zh ? '最新问题' : 'Latest question'}: ${question}` },
      ];
      const { text } = await generateText(options.model, { messages, temperature: 0, maxTokens: 128, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
      const rewritten = text.trim().split('\n')[0]!.replace(/^["“'「]|["”'」]$/gu, '').trim();
      if (rewritten !== '') return { question: rewritten, method: 'model' };
    } catch (error) {
      if (options.abortSignal?.aborted) throw error;
      return { ...condenseHeuristically(previousUser.content, question, options.analyzer), error: error as HangjiaError };
    }
  }
  return condenseHeuristically(previousUser.content, question, options.analyzer);
}

function condenseHeuristically(previous: string, question: string, analyzer: Analyzer): CondensedQuestion {
  const followUp = estimateTokens(question) <= SHORT_QUESTION_TOKENS || ANAPHORA_ZH.test(question) || ANAPHORA_EN.test(question);
  if (!followUp) return { question, method: 'unchanged' };
  const analyze = analyzer.analyzeQuery ?? analyzer.analyze;
  const present = new Set(analyze.call(analyzer, question));
  const carried: string[] = [];
  for (const term of analyze.call(analyzer, previous)) {
    if (term.startsWith(UNIGRAM_PREFIX) || term.startsWith(BIGRAM_PREFIX) || present.has(term) || carried.includes(term)) continue;
    // Skip sub-words of a word already carried (`劳动合同` covers `劳动`, `合同`).
    if (carried.some((word) => word.includes(term))) continue;
    carried.push(term);
    if (carried.length === CARRIED_TERMS) break;
  }
  if (carried.length === 0) return { question, method: 'unchanged' };
  return { question: `${carried.join(' ')} ${question}`, method: 'heuristic' };
}
