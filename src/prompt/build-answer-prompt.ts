import { estimateTokens, splitSentences } from '../chunking/index.js';
import { HangjiaError } from '../errors/index.js';
import type { LanguageModelMessage } from '../models/index.js';
import type { Hit } from '../retrieval/index.js';
import { ANSWER_PROMPT_TEMPLATES } from './answer-prompt-templates.js';
import { detectLanguage, type Language } from './detect-language.js';
import { fitConversationHistory, type HistoryTurn } from './fit-conversation-history.js';

/** Options for {@link buildAnswerPrompt}. */
export interface BuildAnswerPromptOptions {
  question: string;
  /** Retrieved hits, best first; they become sources `[1]`, `[2]`, … in this order. */
  hits: readonly Hit[];
  /** Answer language; `auto` (default) detects it from the question (see `detectLanguage`). */
  language?: Language | 'auto';
  /**
   * A knowledge base's own instructions (domain, tone, audience), placed before the grounding
   * rules, which always apply. Default: none.
   */
  systemPrompt?: string;
  /**
   * Most estimated tokens (see `estimateTokens`) the numbered sources and the earlier turns may
   * take together, source headers included. The earlier turns kept are taken out of it first
   * (at most `historyTokenBudget`); the sources get the rest. Lowest-ranked hits are dropped
   * first; the last source that partly fits is cut at a sentence boundary. Must be ≥ 1.
   */
  contextTokenBudget: number;
  /** Solved example turns (e.g. `renderFewShotMessages`) placed between the instructions and the question. */
  fewShot?: ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>;
  /**
   * Earlier turns of the conversation, oldest first. The most recent question–answer pairs that
   * fit `historyTokenBudget` go between the few-shot turns and the question, citation markers and
   * extractive labels stripped from the answers (see `fitConversationHistory`). Default: none.
   */
  history?: readonly HistoryTurn[];
  /**
   * Most estimated tokens of earlier turns, taken out of `contextTokenBudget`; whole older pairs
   * are dropped first. Default: a quarter of `contextTokenBudget`, rounded down. 0 sends no
   * earlier turns. Range: 0 ≤ value < `contextTokenBudget`, so some room is always left for the
   * sources.
   */
  historyTokenBudget?: number;
}

/** A hit as it went into the prompt. */
export interface PromptSource {
  /** The marker number: `[n]` in the prompt and in the answer. */
  n: number;
  hit: Hit;
  /** 1-based rank of the hit in the retrieval. */
  rank: number;
  /** The passage text as sent (a sentence-aligned prefix when truncated). */
  text: string;
  truncated: boolean;
  tokens: number;
}

/** A hit left out of the prompt, and why. */
export interface DroppedHit {
  hit: Hit;
  rank: number;
  reason: 'budget';
}

/** What {@link buildAnswerPrompt} returns. */
export interface AnswerPrompt {
  messages: LanguageModelMessage[];
  language: Language;
  sources: PromptSource[];
  dropped: DroppedHit[];
  /** Estimated tokens of the numbered sources block (≤ the budget less `historyTokens`). */
  sourceTokens: number;
  /** Entries of `history` sent as messages and left out (`sent + omitted` = its length). */
  history: { sent: number; omitted: number };
  /** Estimated tokens of the earlier turns sent (≤ `historyTokenBudget`). */
  historyTokens: number;
  /** Estimated tokens of all messages. */
  promptTokens: number;
}

/** The header line of a source: `[n] title › heading › path`, without repeating the title. */
export function sourceHeader(n: number, hit: Hit): string {
  const path = hit.chunk.headingPath.filter((heading) => heading.trim() !== '');
  const parts = hit.documentTitle && path[0] !== hit.documentTitle ? [hit.documentTitle, ...path] : path.length ? path : [hit.documentPath];
  return `[${n}] ${parts.join(' › ')}`;
}

/** Sources shorter than this many tokens after truncation are dropped rather than sent as a stub. */
const MIN_TRUNCATED_TOKENS = 16;

/**
 * Turns a question and its hits into chat messages for a grounded, cited answer:
 *
 * ```
 * system:    [knowledge-base prompt]  + grounding rules (zh or en) [+ "earlier turns are not evidence"]
 * user/asst: few-shot turns (optional)
 * user/asst: earlier turns of the conversation, markers stripped (optional)
 * user:      资料：\n[1] 标题 › 章 › 条\n正文…\n\n[2] …\n\n问题：…
 * ```
 *
 * Budget: the most recent earlier question–answer pairs are kept while they fit
 * `historyTokenBudget` (a quarter of `contextTokenBudget` by default), and what they take comes
 * out of `contextTokenBudget`. Sources are then added best first while they fit the rest. The
 * first that does not fit is cut to the longest run of whole sentences that fits (kept only if at
 * least 16 tokens remain); every hit after it is dropped and reported in `dropped`, so the caller
 * can say what the model did not see. The sources are numbered `[1]`, `[2]`, … afresh whatever the
 * history said. Throws `E_USAGE` for a budget below 1, or a history budget outside
 * 0 ≤ value < `contextTokenBudget`.
 *
 * @example
 * const prompt = buildAnswerPrompt({ question: '试用期最长多久？', hits, contextTokenBudget: 2000 });
 * await generateText(model, { messages: prompt.messages });
 */
export function buildAnswerPrompt(options: BuildAnswerPromptOptions): AnswerPrompt {
  const { question, hits, contextTokenBudget } = options;
  if (!(contextTokenBudget >= 1)) {
    throw new HangjiaError('E_USAGE', `contextTokenBudget must be at least 1 token; got ${contextTokenBudget}.`, {
      details: { setting: 'contextTokenBudget', value: contextTokenBudget },
    });
  }
  const historyTokenBudget = options.historyTokenBudget ?? Math.floor(contextTokenBudget / 4);
  if (!(historyTokenBudget >= 0 && historyTokenBudget < contextTokenBudget)) {
    throw new HangjiaError('E_USAGE', `historyTokenBudget must be at least 0 and below contextTokenBudget (${contextTokenBudget}), which it is taken from; got ${historyTokenBudget}. Use 0 to send no earlier turns (the CLI's setting: answer.historyTokens).`, {
      details: { setting: 'historyTokenBudget', value: historyTokenBudget },
    });
  }
  const language = !options.language || options.language === 'auto' ? detectLanguage(question) : options.language;
  const template = ANSWER_PROMPT_TEMPLATES[language];
  const history = fitConversationHistory(options.history ?? [], historyTokenBudget);
  const sourceTokenBudget = contextTokenBudget - history.tokens;

  const sources: PromptSource[] = [];
  const dropped: DroppedHit[] = [];
  let used = 0;
  let full = false;
  hits.forEach((hit, index) => {
    const rank = index + 1;
    if (full) {
      dropped.push({ hit, rank, reason: 'budget' });
      return;
    }
    const n = sources.length + 1;
    const header = sourceHeader(n, hit);
    const text = hit.chunk.text.trim();
    const tokens = estimateTokens(`${header}\n${text}`);
    if (used + tokens <= sourceTokenBudget) {
      sources.push({ n, hit, rank, text, truncated: false, tokens });
      used += tokens;
      return;
    }
    full = true;
    const remaining = sourceTokenBudget - used - estimateTokens(`${header} ${template.truncatedMark}\n`);
    let kept = '';
    for (const span of splitSentences(text)) {
      const candidate = text.slice(0, span.end);
      if (estimateTokens(candidate) > remaining) break;
      kept = candidate;
    }
    const keptTokens = estimateTokens(`${header} ${template.truncatedMark}\n${kept}`);
    if (kept !== '' && estimateTokens(kept) >= MIN_TRUNCATED_TOKENS && used + keptTokens <= sourceTokenBudget) {
      sources.push({ n, hit, rank, text: kept, truncated: true, tokens: keptTokens });
      used += keptTokens;
    } else {
      dropped.push({ hit, rank, reason: 'budget' });
    }
  });

  const blocks = sources.map((source) => `${sourceHeader(source.n, source.hit)}${source.truncated ? ` ${template.truncatedMark}` : ''}\n${source.text}`);
  const instructions = history.messages.length > 0 ? `${template.instructions}\n${template.historyInstruction}` : template.instructions;
  const system = options.systemPrompt?.trim() ? `${options.systemPrompt.trim()}\n\n${instructions}` : instructions;
  const user = `${template.sourcesHeading}\n${blocks.join('\n\n')}\n\n${template.questionLabel}${language === 'zh' ? '' : ' '}${question.trim()}`;
  const messages: LanguageModelMessage[] = [
    { role: 'system', content: system },
    ...(options.fewShot ?? []).map((message) => ({ ...message })),
    ...history.messages,
    { role: 'user', content: user },
  ];
  return {
    messages,
    language,
    sources,
    dropped,
    sourceTokens: used,
    history: { sent: history.sent, omitted: history.omitted },
    historyTokens: history.tokens,
    promptTokens: messages.reduce((sum, message) => sum + estimateTokens(message.content), 0),
  };
}
