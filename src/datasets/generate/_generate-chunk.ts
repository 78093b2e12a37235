import { HangjiaError } from '../../errors/index.js';
import { generateObject, type LanguageModel, type LanguageModelUsage } from '../../models/index.js';
import { detectLanguage, type Language } from '../../prompt/index.js';
import { normalizeForDedup } from '../_text.js';
import { EVOL_OPERATIONS, generationSchema, toExchange, type GeneratedExchange, type GenerationMethod, type GenerationOutput } from './generation-method.js';
import type { GenerationRejectReason, TokenUsage } from './_job-state.js';
import { findPassageReference } from './passage-reference.js';
import { CHUNK_MINIMUM_HAN_SHARE, fillPromptTemplate, GENERATION_SYSTEM_PROMPTS, type PromptTemplates } from './prompt-templates.js';
import type { SeedTask } from './seed-task.js';

export interface ChunkInput {
  id: string;
  text: string;
  headingPath: string[];
  documentTitle: string;
}

export interface ChunkGenerationContext {
  model: LanguageModel;
  method: GenerationMethod;
  perChunk: number;
  maxRetries: number;
  retryDelayMs: number;
  templates: PromptTemplates;
  seeds: readonly SeedTask[];
  temperature: number;
  maxTokens: number;
  signal: AbortSignal | undefined;
  /**
   * Called after every model call that the model answered, with its tokens, whatever became of
   * its output: `wasted` when the call added no item (output that was not JSON or broke the
   * schema, or whose every item was rejected). Called as each call ends, so calls of a chunk that
   * is aborted half-way count too.
   */
  recordUsage: (usage: TokenUsage, wasted: boolean) => void;
}

export interface ChunkGeneration {
  language: Language;
  exchanges: GeneratedExchange[];
  rejected: Record<GenerationRejectReason, number>;
  attempts: number;
  /** The error that ended the attempts, when one did. */
  error?: unknown;
}

const DEFAULT_SEEDS: Record<Language, SeedTask[]> = {
  zh: [
    { instruction: '用通俗的话解释“诉讼时效”是什么意思。', output: '诉讼时效是权利人请求法院保护其权利的法定期间……' },
    { instruction: '比较劳动合同的试用期与见习期有什么不同。', output: '试用期是用人单位与劳动者约定的考察期……' },
    { instruction: '判断下面的说法是否正确，并说明理由。', input: '用人单位可以与同一劳动者约定两次试用期。', output: '不正确。同一用人单位与同一劳动者只能约定一次试用期……' },
  ],
  en: [
    { instruction: 'Explain in plain words what a statute of limitations is.', output: 'A statute of limitations is the period within which…' },
    { instruction: 'Compare a factory reset with a password reset.', output: 'A factory reset erases all settings, while…' },
    { instruction: 'Is the following statement true? Explain why.', input: 'A probation period may be agreed twice with the same employee.', output: 'No. An employer may agree only one probation period…' },
  ],
};

/**
 * Generates up to `perChunk` items for one chunk: one model call for all of them, then more calls
 * for the shortfall when items were rejected (passage references, duplicates, empty fields) or
 * the call failed with a retryable error (`isRetryable`, or output that broke the schema), at most
 * `1 + maxRetries` calls in all, with exponential backoff after errors. Every answered call's
 * tokens go to `context.recordUsage`. Throws only the abort reason.
 */
export async function generateForChunk(context: ChunkGenerationContext, chunk: ChunkInput, ordinal: number): Promise<ChunkGeneration> {
  const language = detectLanguage(chunk.text, CHUNK_MINIMUM_HAN_SHARE);
  const accepted: GeneratedExchange[] = [];
  const seen = new Set<string>();
  const rejected: Record<GenerationRejectReason, number> = { 'passage-reference': 0, duplicate: 0, empty: 0 };
  const evolSeed = context.method === 'evol' ? pickEvolSeed(context.seeds, chunk.id, ordinal) : undefined;
  let attempts = 0;
  let error: unknown;
  while (accepted.length < context.perChunk && attempts <= context.maxRetries) {
    if (error !== undefined) await sleep(context.retryDelayMs * 2 ** (attempts - 1), context.signal);
    attempts += 1;
    const count = context.perChunk - accepted.length;
    const prompt = fillPromptTemplate(context.templates[`${context.method}.${language}`], {
      chunk: chunk.text,
      heading: chunk.headingPath.length ? chunk.headingPath.join(' › ') : chunk.documentTitle,
      count: String(count),
      seeds: formatSeeds(context.seeds.length ? rotate(context.seeds, ordinal).slice(0, 3) : DEFAULT_SEEDS[language], language),
      instruction: evolSeed?.instruction ?? '',
      operations: Array.from({ length: count }, (_, index) => EVOL_OPERATIONS[(ordinal + accepted.length + index) % EVOL_OPERATIONS.length]).join(', '),
      avoid: avoidList(accepted, language),
    });
    try {
      const result = await generateObject<GenerationOutput>(context.model, {
        messages: [
          { role: 'system', content: GENERATION_SYSTEM_PROMPTS[language] },
          { role: 'user', content: prompt },
        ],
        schema: generationSchema(context.method, count),
        schemaName: context.method.replace('-', '_'),
        temperature: context.temperature,
        maxTokens: context.maxTokens,
        ...(context.signal ? { abortSignal: context.signal } : {}),
      });
      error = undefined;
      const acceptedBefore = accepted.length;
      for (const item of result.object.items) {
        if (accepted.length >= context.perChunk) break;
        const exchange = toExchange(context.method, item, evolSeed?.instruction);
        const reason = rejectReason(exchange, seen);
        if (reason) rejected[reason] += 1;
        else accepted.push(exchange);
      }
      context.recordUsage(countTokens(result.usage), accepted.length === acceptedBefore);
    } catch (caught) {
      // Before the abort check: a call that was answered is paid for even if the job stops now.
      const answered = answeredCallUsage(caught);
      if (answered) context.recordUsage(countTokens(answered), true);
      if (context.signal?.aborted) throw context.signal.reason;
      error = caught;
      if (!isRetryable(caught)) break;
    }
  }
  return { language, exchanges: accepted, rejected, attempts, ...(error === undefined ? {} : { error }) };
}

/**
 * The tokens of a call that failed after the model answered: `generateObject` puts them in the
 * `E_MODEL_OUTPUT` error (output not JSON, or breaking the schema). Other errors (HTTP, network,
 * abort) come before an answer, and endpoints report no usage for them.
 */
function answeredCallUsage(error: unknown): LanguageModelUsage | undefined {
  return HangjiaError.is(error, 'E_MODEL_OUTPUT') ? (error.details.usage as LanguageModelUsage | undefined) : undefined;
}

/** Tokens the backend did not report count as zero. */
function countTokens(usage: LanguageModelUsage): TokenUsage {
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
}

function rejectReason(exchange: GeneratedExchange, seen: Set<string>): GenerationRejectReason | undefined {
  if (exchange.turns.length === 0 || exchange.turns.some((turn) => turn.user === '' || turn.assistant === '')) return 'empty';
  // Only the opening message must stand alone: later dialogue turns may refer back to the conversation.
  if (findPassageReference(exchange.turns[0]!.user)) return 'passage-reference';
  const key = normalizeForDedup(exchange.turns[0]!.user);
  if (seen.has(key)) return 'duplicate';
  seen.add(key);
  return undefined;
}

/** Retrying helps for network trouble and rate limits (`isRetryable`) and for output that broke the schema (sampling differs next time). */
function isRetryable(error: unknown): boolean {
  return HangjiaError.is(error) && (error.isRetryable || error.code === 'E_MODEL_OUTPUT');
}

/** Seeds that name this chunk come first; otherwise seeds are spread over chunks round-robin. */
function pickEvolSeed(seeds: readonly SeedTask[], chunkId: string, ordinal: number): SeedTask | undefined {
  return seeds.find((seed) => seed.chunkIds?.includes(chunkId)) ?? seeds[ordinal % seeds.length];
}

function rotate<T>(values: readonly T[], by: number): T[] {
  const offset = by % values.length;
  return [...values.slice(offset), ...values.slice(0, offset)];
}

function formatSeeds(seeds: readonly SeedTask[], language: Language): string {
  const labels = language === 'zh' ? ['示例', '指令', '输入', '输出'] : ['Example', 'Instruction', 'Input', 'Output'];
  return seeds
    .map((seed, index) => [`${labels[0]} ${index + 1}`, `${labels[1]}: ${seed.instruction}`, ...(seed.input ? [`${labels[2]}: ${seed.input}`] : []), ...(seed.output ? [`${labels[3]}: ${seed.output}`] : [])].join('\n'))
    .join('\n\n');
}

function avoidList(accepted: readonly GeneratedExchange[], language: Language): string {
  if (accepted.length === 0) return '';
  const heading = language === 'zh' ? '以下内容已经写过，不要重复：' : 'Already written; do not repeat:';
  return `${heading}\n${accepted.map((exchange) => `- ${exchange.turns[0]!.user}`).join('\n')}\n`;
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
