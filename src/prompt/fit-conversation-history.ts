import { estimateTokens } from '../chunking/index.js';
import { ANSWER_PROMPT_TEMPLATES } from './answer-prompt-templates.js';

/** One earlier message of a conversation, oldest first (the shape of `ConversationTurn` in `answer/`). */
export interface HistoryTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** What {@link fitConversationHistory} keeps. */
export interface FittedHistory {
  /** The kept exchanges as alternating user/assistant messages, oldest first, assistant turns cleaned. */
  messages: HistoryTurn[];
  /** Entries of the history that were kept (a question and its answer count two). */
  sent: number;
  /** Entries left out: older exchanges over the budget, and turns that were not part of a question–answer pair or were empty. `sent + omitted` is the history's length. */
  omitted: number;
  /** Estimated tokens (see `estimateTokens`) of the kept messages' contents. */
  tokens: number;
}

// The answer markers of `check-answer.ts`, plus the spaces or tabs before them, so `months [1].`
// becomes `months.`; newlines stay (an extractive answer puts one quoted sentence per line).
const MARKERS = /[ \t]*[[［]\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*[\]］]/gu;
const EXTRACTIVE_LABELS = new Set(Object.values(ANSWER_PROMPT_TEMPLATES).map((template) => template.extractiveLabel));

/**
 * An earlier assistant turn as the prompt gives it back to the model: citation markers removed
 * (`[1]`, `[1][2]`, `[1, 2]`, full-width brackets), because their numbers pointed at that turn's
 * sources and would collide with this turn's numbering; an extractive answer's label line removed,
 * because it describes hangjia, not the answer.
 *
 * @example
 * cleanAssistantTurn('试用期不得超过六个月[1][2]。') // → '试用期不得超过六个月。'
 */
export function cleanAssistantTurn(content: string): string {
  const [first = '', ...rest] = content.trimStart().split('\n');
  const body = EXTRACTIVE_LABELS.has(first.trim()) ? rest.join('\n') : content;
  return body.replace(MARKERS, '').trim();
}

/**
 * The most recent earlier exchanges that fit `tokenBudget` estimated tokens, for the prompt.
 *
 * The history is read as question–answer pairs (a user turn directly followed by an assistant
 * turn); anything else (an unanswered question, an assistant turn with no question before it, a
 * pair that is empty once cleaned) is left out, so the messages always alternate user/assistant
 * and the final question follows an answer, as strict chat templates require. Pairs are taken
 * newest first while the whole pair fits; the first that does not fit ends the selection, so an
 * older pair never skips over a newer one and no turn is ever cut in half. A budget of 0 keeps
 * none.
 *
 * @example
 * fitConversationHistory([{ role: 'user', content: '试用期最长多久？' }, { role: 'assistant', content: '六个月[1]。' }], 100)
 * // → { messages: [{ role: 'user', content: '试用期最长多久？' }, { role: 'assistant', content: '六个月。' }], sent: 2, omitted: 0, tokens: 12 }
 */
export function fitConversationHistory(history: readonly HistoryTurn[], tokenBudget: number): FittedHistory {
  const pairs: Array<{ user: string; assistant: string; tokens: number }> = [];
  for (let index = 0; index < history.length; index++) {
    const turn = history[index]!;
    const next = history[index + 1];
    if (turn.role !== 'user' || next?.role !== 'assistant') continue;
    index += 1;
    const user = turn.content.trim();
    const assistant = cleanAssistantTurn(next.content);
    if (user === '' || assistant === '') continue;
    pairs.push({ user, assistant, tokens: estimateTokens(user) + estimateTokens(assistant) });
  }
  const kept: typeof pairs = [];
  let tokens = 0;
  for (let index = pairs.length - 1; index >= 0; index--) {
    const pair = pairs[index]!;
    if (tokens + pair.tokens > tokenBudget) break;
    kept.unshift(pair);
    tokens += pair.tokens;
  }
  const messages = kept.flatMap((pair): HistoryTurn[] => [
    { role: 'user', content: pair.user },
    { role: 'assistant', content: pair.assistant },
  ]);
  return { messages, sent: messages.length, omitted: history.length - messages.length, tokens };
}
