import { readFileSync } from 'node:fs';
import type { Chunk } from '../../chunking/index.js';
import { HangjiaError } from '../../errors/index.js';
import { generateObject, type LanguageModel } from '../../models/index.js';

/** What `makeEvaluationSet` reads from a knowledge base; `KnowledgeBase` satisfies it. */
export interface EvaluationSetSource {
  readonly name: string;
  readonly store: { iterateChunks(): Iterable<{ chunk: Chunk; documentPath: string }> };
}

/** One generated question with its reference answer and the chunk it is grounded in. */
export interface ReferenceQuestion {
  id: string;
  question: string;
  answer: string;
  sourceChunkId: string;
  documentId: string;
  documentPath: string;
  headingPath: string[];
  /** The model that wrote it, `provider:modelId`. */
  model: string;
}

/** Options for {@link makeEvaluationSet}. */
export interface MakeEvaluationSetOptions {
  model: LanguageModel;
  /** Questions wanted, 1–10,000. Default 50. */
  count?: number;
  /** Chunks that must not be used (the training data's source chunks). */
  excludeChunkIds?: ReadonlySet<string>;
  /** Chunks shorter than this (characters) are too thin to ask about. Default 40. */
  minChunkChars?: number;
  /** Share of the answer's character bigrams that must occur in the chunk, in [0, 1]. Default 0.5. */
  minGroundedShare?: number;
  onProgress?: (progress: { done: number; total: number; kept: number }) => void;
  signal?: AbortSignal;
}

/** Why a chunk gave no question. */
export type EvaluationSetSkipReason = 'excluded' | 'too-short' | 'model-output' | 'ungrounded';

export interface EvaluationSet {
  questions: ReferenceQuestion[];
  /** Chunk ids the questions come from: keep these out of training data. */
  usedChunkIds: string[];
  chunks: number;
  /** Chunks asked about (picked evenly over the eligible ones). */
  picked: number;
  skipped: Record<EvaluationSetSkipReason, number>;
}

const QUESTION_SCHEMA = {
  type: 'object',
  properties: { question: { type: 'string' }, answer: { type: 'string' } },
  required: ['question', 'answer'],
} as const;

const SYSTEM_PROMPT =
  '你是一名出题老师。只根据给出的材料出一道问答题：问题必须能且只能用材料中的信息回答，答案直接摘自材料、简短准确。不要使用材料以外的知识。用 JSON 回答：{"question": "…", "answer": "…"}。';

/**
 * Generates a question–reference-answer set from a knowledge base (self-QA, MISSION S6, used for
 * evaluation): chunks are picked evenly over the knowledge base in document order (deterministic,
 * no seed needed), each is shown to the model with the instruction to ask one question answerable
 * from it alone, and a reply is kept only when it parses and its answer is grounded (at least
 * `minGroundedShare` of its character bigrams occur in the chunk). Every question names its
 * source chunk, and `usedChunkIds` is the decontamination list: an evaluation set must stay apart
 * from training data, so chunks in `excludeChunkIds` are never used.
 *
 * Throws `E_USAGE` when no chunk is left after the exclusions. Chunks that give no question are
 * counted by reason, not replaced, so the set is reproducible from the same knowledge base.
 *
 * @example
 * const set = await makeEvaluationSet(kb, { model, count: 100, excludeChunkIds: readTrainingChunkIds('train.jsonl').chunkIds });
 */
export async function makeEvaluationSet(source: EvaluationSetSource, options: MakeEvaluationSetOptions): Promise<EvaluationSet> {
  const { model, count = 50, excludeChunkIds = new Set<string>(), minChunkChars = 40, minGroundedShare = 0.5 } = options;
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    throw new HangjiaError('E_USAGE', `count must be a whole number from 1 to 10000; got ${count}.`, { details: { setting: 'count', value: count } });
  }
  const skipped: Record<EvaluationSetSkipReason, number> = { excluded: 0, 'too-short': 0, 'model-output': 0, ungrounded: 0 };
  const eligible: Array<{ chunk: Chunk; documentPath: string }> = [];
  let chunks = 0;
  for (const stored of source.store.iterateChunks()) {
    chunks += 1;
    if (excludeChunkIds.has(stored.chunk.id)) skipped.excluded += 1;
    else if ([...stored.chunk.text.trim()].length < minChunkChars) skipped['too-short'] += 1;
    else eligible.push({ chunk: stored.chunk, documentPath: stored.documentPath });
  }
  if (eligible.length === 0) {
    throw new HangjiaError(
      'E_USAGE',
      `Knowledge base "${source.name}" has no chunk left to ask about: ${chunks} chunks, ${skipped.excluded} used by the training data, ${skipped['too-short']} shorter than ${minChunkChars} characters. An evaluation set must not overlap the training data; add documents the training set did not use.`,
      { details: { knowledgeBase: source.name, chunks, excluded: skipped.excluded } },
    );
  }
  const picks = Math.min(count, eligible.length);
  const picked = Array.from({ length: picks }, (_, index) => eligible[Math.floor((index * eligible.length) / picks)]!);
  const questions: ReferenceQuestion[] = [];
  for (const [index, { chunk, documentPath }] of picked.entries()) {
    if (options.signal?.aborted) break;
    let object: { question: string; answer: string };
    try {
      ({ object } = await generateObject<{ question: string; answer: string }>(model, {
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: `材料：\n${chunk.text}` },
        ],
        schema: QUESTION_SCHEMA,
        temperature: 0,
        maxTokens: 512,
        ...(options.signal ? { abortSignal: options.signal } : {}),
      }));
    } catch (error) {
      if (HangjiaError.is(error) && error.code === 'E_MODEL_OUTPUT') {
        skipped['model-output'] += 1;
        options.onProgress?.({ done: index + 1, total: picks, kept: questions.length });
        continue;
      }
      throw error;
    }
    const question = object.question.trim();
    const answer = object.answer.trim();
    if (question === '' || answer === '' || groundedShare(answer, chunk.text) < minGroundedShare) {
      skipped.ungrounded += 1;
    } else {
      questions.push({
        id: `${source.name}-q${String(questions.length + 1).padStart(4, '0')}`,
        question,
        answer,
        sourceChunkId: chunk.id,
        documentId: chunk.documentId,
        documentPath,
        headingPath: chunk.headingPath,
        model: `${model.provider}:${model.modelId}`,
      });
    }
    options.onProgress?.({ done: index + 1, total: picks, kept: questions.length });
  }
  return { questions, usedChunkIds: [...new Set(questions.map((question) => question.sourceChunkId))], chunks, picked: picked.length, skipped };
}

/**
 * The share of `answer`'s character bigrams (letters and digits only; single characters for a
 * one-character answer) that occur in `text`, in [0, 1]: a cheap check that the answer was taken
 * from the chunk rather than from the model's own knowledge.
 */
export function groundedShare(answer: string, text: string): number {
  const clean = (value: string): string[] => [...value.normalize('NFKC').toLowerCase()].filter((character) => /[\p{L}\p{N}]/u.test(character));
  const answerCharacters = clean(answer);
  if (answerCharacters.length === 0) return 0;
  const textCharacters = clean(text);
  const grams = (characters: string[], size: number): string[] => characters.slice(0, characters.length - size + 1).map((_, index) => characters.slice(index, index + size).join(''));
  const size = answerCharacters.length === 1 ? 1 : 2;
  const present = new Set(grams(textCharacters, size));
  const wanted = grams(answerCharacters, size);
  return wanted.filter((gram) => present.has(gram)).length / wanted.length;
}

/** Field names a training record may carry its source chunk under (top level, or in `metadata`/`meta`). */
const CHUNK_ID_FIELDS = ['sourceChunkId', 'source_chunk_id', 'chunkId', 'chunk_id', 'sourceChunkIds', 'source_chunk_ids', 'chunkIds', 'chunk_ids'];

/**
 * The source chunk ids a training file (JSONL, any layout) was built from, read from
 * {@link CHUNK_ID_FIELDS} at the top level or under `metadata` / `meta` (string or array).
 * `linesWithIds` tells whether the file can be checked at all: 0 means it records no sources.
 */
export function readTrainingChunkIds(file: string): { chunkIds: Set<string>; lines: number; linesWithIds: number } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HangjiaError('E_PATH_NOT_FOUND', `Cannot read the training file ${file}: ${(error as Error).message}`, { details: { path: file }, cause: error });
  }
  const chunkIds = new Set<string>();
  let lines = 0;
  let linesWithIds = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    lines += 1;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    let found = false;
    for (const holder of [record, record['metadata'], record['meta']]) {
      if (typeof holder !== 'object' || holder === null) continue;
      for (const field of CHUNK_ID_FIELDS) {
        const value = (holder as Record<string, unknown>)[field];
        for (const id of typeof value === 'string' ? [value] : Array.isArray(value) ? value : []) {
          if (typeof id === 'string' && id !== '') {
            chunkIds.add(id);
            found = true;
          }
        }
      }
    }
    if (found) linesWithIds += 1;
  }
  return { chunkIds, lines, linesWithIds };
}
