import { HangjiaError } from '../../errors/index.js';
import { generateObject, type JsonSchema, type LanguageModel } from '../../models/index.js';
import type { DatasetRecord } from '../dataset-record.js';
import { detectLanguage, type Language } from '../../prompt/index.js';
import { CHUNK_MINIMUM_HAN_SHARE } from '../generate/index.js';

/**
 * The default written rubric, per language of the item. Kept short and concrete so a small judge
 * model can follow it; the JSON answer format is added to every call apart from the rubric, so an
 * overriding rubric (`--rubric file`) only has to say what a good item is.
 */
export const DEFAULT_JUDGE_RUBRICS: Readonly<Record<Language, string>> = {
  zh: [
    '你是微调数据的质检员。按以下标准给这条问答打 1–5 分：',
    '1. 正确性：答案与给出的来源原文一致，没有编造来源之外的事实（未给来源时按常识判断）；',
    '2. 有用性：答案切中问题，信息充分，不答非所问；',
    '3. 自足性：问题和答案脱离上下文也能读懂，不出现“根据上文”“本段”之类的指代；',
    '4. 没有拒答或套话：不含“作为一个AI”“我无法回答”等拒绝或模板化语句。',
    '5 分：四项都好；4 分：小瑕疵；3 分：可用但有明显不足；2 分：有事实错误或严重缺陷；1 分：不可用。',
    '用一句话说明理由。',
  ].join('\n'),
  en: [
    'You check fine-tuning data. Score this question-answer item from 1 to 5 on:',
    '1. Correctness: the answer agrees with the source text when one is given and adds no facts it does not contain (without a source, judge by common knowledge);',
    '2. Helpfulness: the answer addresses the question fully and to the point;',
    '3. Self-containedness: question and answer make sense on their own, with no "the passage above" or "this section";',
    '4. No refusal or boilerplate: nothing like "As an AI language model" or "I cannot answer".',
    '5: good on all four; 4: minor flaws; 3: usable but clearly lacking; 2: factual errors or serious flaws; 1: unusable.',
    'Give the reason in one sentence.',
  ].join('\n'),
};

/** The least score kept by default: 3 ("usable but clearly lacking") passes, 2 (factual errors) does not. */
export const DEFAULT_MIN_JUDGE_SCORE = 3;

/** What the judge answers; `score` is constrained to 1–5 by the schema. */
export interface JudgeVerdict {
  score: number;
  reason: string;
}

const JUDGE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    score: { type: 'integer', enum: [1, 2, 3, 4, 5], description: '1 (unusable) to 5 (good on every criterion)' },
    reason: { type: 'string', description: 'One sentence' },
  },
  required: ['score', 'reason'],
  additionalProperties: false,
};

const ANSWER_FORMAT: Record<Language, string> = {
  zh: '只输出 JSON：{"score": 1 到 5 的整数, "reason": "一句话理由"}。',
  en: 'Answer only with JSON: {"score": an integer 1 to 5, "reason": "one sentence"}.',
};

export interface JudgeQualityOptions {
  model: LanguageModel;
  /** A rubric replacing DEFAULT_JUDGE_RUBRICS for every item (any language); the JSON format instruction is added anyway. */
  rubric?: string;
  /** Items scored below this are rejected, 1–5 (default DEFAULT_MIN_JUDGE_SCORE, 3). */
  minScore?: number;
  /** Judge calls in flight at once (default 4). */
  concurrency?: number;
  /** The source text of an item (e.g. its knowledge-base chunks), shown to the judge for correctness; undefined when it has none. */
  sourceText?: (record: DatasetRecord) => string | undefined;
  /** Most tokens per verdict (default 256). */
  maxTokens?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** An item the judge could not score (an HTTP error, or a reply that broke the schema): kept, and listed for a person to look at. */
export interface JudgeFailure {
  record: DatasetRecord;
  /** The error's stable code (`E_MODEL_OUTPUT` for a malformed reply), or `E_UNKNOWN`. */
  code: string;
  message: string;
}

export interface JudgeRejection {
  record: DatasetRecord;
  reason: 'judge-score';
  detail: string;
  score: number;
  judgeReason: string;
}

export interface JudgeQualityResult {
  /** Items scored at least `minScore`, plus those the judge failed on (flagged in `failures`), in input order. */
  kept: DatasetRecord[];
  rejected: JudgeRejection[];
  failures: JudgeFailure[];
  /** Every verdict by record id, kept and rejected alike. */
  verdicts: Map<string, JudgeVerdict>;
  counts: { judged: number; 'judge-score': number; 'judge-failed': number };
}

/**
 * Scores each item with a model against a written rubric (correctness against the source when
 * given, helpfulness, self-containedness, no refusal or boilerplate; 1–5 with a one-sentence
 * reason) and rejects those below `minScore`. The verdict comes through `generateObject`, so it is
 * schema-checked: a judge that fails (network, or a reply that is not the JSON asked for) costs no
 * data — the item is kept and listed in `failures`, never silently passed as good. Calls run at
 * temperature 0 so a rerun gives the same verdicts where the backend allows. Throws only when
 * `signal` aborts.
 *
 * @example
 * const { kept, rejected, failures } = await judgeQuality(records, { model, minScore: 3 });
 */
export async function judgeQuality(records: readonly DatasetRecord[], options: JudgeQualityOptions): Promise<JudgeQualityResult> {
  const minScore = options.minScore ?? DEFAULT_MIN_JUDGE_SCORE;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const outcomes: Array<{ verdict: JudgeVerdict } | { failure: JudgeFailure } | undefined> = new Array(records.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < records.length) {
      const index = next;
      next += 1;
      const record = records[index]!;
      try {
        const { object } = await generateObject<JudgeVerdict>(options.model, {
          messages: judgeMessages(record, options.rubric, options.sourceText?.(record)),
          schema: JUDGE_SCHEMA,
          schemaName: 'quality_verdict',
          temperature: 0,
          maxTokens: options.maxTokens ?? 256,
          ...(options.signal ? { abortSignal: options.signal } : {}),
        });
        outcomes[index] = { verdict: { score: object.score, reason: object.reason.trim() } };
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        outcomes[index] = { failure: { record, code: HangjiaError.is(error) ? error.code : 'E_UNKNOWN', message: error instanceof Error ? error.message : String(error) } };
      }
      done += 1;
      options.onProgress?.(done, records.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));

  const result: JudgeQualityResult = { kept: [], rejected: [], failures: [], verdicts: new Map(), counts: { judged: 0, 'judge-score': 0, 'judge-failed': 0 } };
  records.forEach((record, index) => {
    const outcome = outcomes[index]!;
    if ('failure' in outcome) {
      result.failures.push(outcome.failure);
      result.kept.push(record);
      return;
    }
    const { verdict } = outcome;
    result.counts.judged += 1;
    result.verdicts.set(record.id, verdict);
    if (verdict.score >= minScore) result.kept.push(record);
    else result.rejected.push({ record, reason: 'judge-score', detail: `judge score ${verdict.score} < ${minScore}: ${verdict.reason}`, score: verdict.score, judgeReason: verdict.reason });
  });
  result.counts['judge-score'] = result.rejected.length;
  result.counts['judge-failed'] = result.failures.length;
  return result;
}

/** System: the rubric; user: the item (turns labelled by role) and, when known, its source. */
function judgeMessages(record: DatasetRecord, rubric: string | undefined, source: string | undefined): Array<{ role: 'system' | 'user'; content: string }> {
  const item = record.kind === 'text' ? record.text : record.turns.map((turn) => `${turn.role}: ${turn.content}`).join('\n');
  const language = detectLanguage(item, CHUNK_MINIMUM_HAN_SHARE);
  const labels = language === 'zh' ? { source: '来源原文', item: '待评条目', none: '（未提供来源）' } : { source: 'Source text', item: 'Item to score', none: '(no source given)' };
  return [
    { role: 'system', content: `${rubric ?? DEFAULT_JUDGE_RUBRICS[language]}\n\n${ANSWER_FORMAT[language]}` },
    { role: 'user', content: `${labels.source}:\n${source ?? labels.none}\n\n${labels.item}:\n${item}` },
  ];
}
