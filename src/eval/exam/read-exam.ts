import { readFileSync } from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import type { ExamItem } from './exam-item.js';

/** Why a line of an exam file was not turned into an item. */
export type MalformedExamItemReason =
  | 'invalid-json'
  | 'not-an-object'
  | 'invalid-id'
  | 'duplicate-id'
  | 'missing-question'
  | 'invalid-choices'
  | 'invalid-answer';

/** A skipped line, named by path, 1-based line and (when it had one) id. */
export interface MalformedExamItem {
  path: string;
  line: number;
  /** The line's `id` when it had a usable one. */
  id?: string;
  reason: MalformedExamItemReason;
  message: string;
}

/** What {@link readExam} read: usable items in file order, and every line it skipped. */
export interface ExamFile {
  items: ExamItem[];
  skipped: MalformedExamItem[];
  /** Skipped lines counted by reason (Anserini's `Counters` habit: account for every input). */
  skippedByReason: Partial<Record<MalformedExamItemReason, number>>;
}

/** Options for {@link readExam}. */
export interface ReadExamOptions {
  /** Ids already read from other files: a repeat is skipped as `duplicate-id`. Updated in place. */
  seenIds?: Set<string>;
}

const LETTER = /^[A-Z]$/;

/**
 * Reads an exam from JSONL. Items whose id, question, choices or answer cannot be used are never
 * fatal: they are skipped, reported by path, line and id, and counted by reason. Choices must be
 * an object of at least two single upper-case letters with non-empty texts (sorted into letter
 * order); the answer a string of distinct letters among them (full-width letters and separators
 * such as `A、C` are accepted). An item is multi-answer when `multi` is true or the answer has
 * several letters; `multi: false` with several letters is malformed. A missing or unreadable file
 * throws `E_DATASET` naming the path.
 *
 * @example
 * const { items, skipped } = readExam('datasets/exams/cmmlu/test.jsonl');
 */
export function readExam(path: string, options: ReadExamOptions = {}): ExamFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HangjiaError('E_DATASET', `Cannot read exam file ${path}: ${(error as Error).message}. Check the path.`, { details: { path }, cause: error });
  }
  const seenIds = options.seenIds ?? new Set<string>();
  const items: ExamItem[] = [];
  const skipped: MalformedExamItem[] = [];
  const skippedByReason: ExamFile['skippedByReason'] = {};
  const skip = (line: number, id: string | undefined, reason: MalformedExamItemReason, message: string): void => {
    skipped.push({ path, line, ...(id === undefined ? {} : { id }), reason, message: `${path}:${line}${id === undefined ? '' : ` (${id})`}: ${message}` });
    skippedByReason[reason] = (skippedByReason[reason] ?? 0) + 1;
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const source = lines[index]!.trim();
    if (source === '') continue;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      skip(line, undefined, 'invalid-json', `not valid JSON (${(error as Error).message})`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      skip(line, undefined, 'not-an-object', `expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`);
      continue;
    }
    const record = value as Record<string, unknown>;
    const rawId = record.id;
    const id = typeof rawId === 'string' && rawId !== '' ? rawId : typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : undefined;
    if (id === undefined) {
      skip(line, undefined, 'invalid-id', `expected a non-empty string "id", found ${JSON.stringify(rawId) ?? 'none'}`);
      continue;
    }
    if (seenIds.has(id)) {
      skip(line, id, 'duplicate-id', `the id "${id}" was already used by an earlier item; ids must be unique`);
      continue;
    }
    if (typeof record.question !== 'string' || record.question.trim() === '') {
      skip(line, id, 'missing-question', `expected a non-empty string "question", found ${JSON.stringify(record.question) ?? 'none'}`);
      continue;
    }
    const choices = parseChoices(record.choices);
    if (typeof choices === 'string') {
      skip(line, id, 'invalid-choices', choices);
      continue;
    }
    const answer = parseAnswer(record.answer, choices);
    if (typeof answer === 'string') {
      skip(line, id, 'invalid-answer', answer);
      continue;
    }
    if (record.multi === false && answer.length > 1) {
      skip(line, id, 'invalid-answer', `"multi" is false but the answer "${String(record.answer)}" has ${answer.length} letters`);
      continue;
    }
    seenIds.add(id);
    const meta = record.meta as { name_zh?: unknown } | undefined;
    items.push({
      id,
      subject: typeof record.subject === 'string' && record.subject !== '' ? record.subject : 'default',
      split: typeof record.split === 'string' ? record.split : '',
      question: record.question,
      choices,
      answer,
      multi: record.multi === true || answer.length > 1,
      ...(typeof record.context === 'string' && record.context.trim() !== '' ? { context: record.context } : {}),
      ...(typeof record.explanation === 'string' && record.explanation !== '' ? { explanation: record.explanation } : {}),
      ...(typeof meta?.name_zh === 'string' ? { subjectLabel: meta.name_zh } : {}),
    });
  }
  return { items, skipped, skippedByReason };
}

function parseChoices(value: unknown): Record<string, string> | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `expected "choices" to be an object such as {"A": "…", "B": "…"}, found ${JSON.stringify(value) ?? 'none'}`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length < 2) return `expected at least two choices, found ${entries.length}`;
  for (const [letter, text] of entries) {
    if (!LETTER.test(letter)) return `choice keys must be single upper-case letters, found "${letter}"`;
    if (typeof text !== 'string' && typeof text !== 'number') return `choice ${letter} must be text, found ${JSON.stringify(text)}`;
    if (String(text).trim() === '') return `choice ${letter} is empty`;
  }
  entries.sort(([left], [right]) => (left < right ? -1 : 1));
  return Object.fromEntries(entries.map(([letter, text]) => [letter, String(text)]));
}

function parseAnswer(value: unknown, choices: Record<string, string>): string[] | string {
  if (typeof value !== 'string') return `expected "answer" to be a letter string such as "B" or "AC", found ${JSON.stringify(value) ?? 'none'}`;
  // NFKC folds full-width letters (Ｂ → B); separators some exports put between letters are dropped.
  const letters = [...value.normalize('NFKC').toUpperCase().replace(/[\s,，、;；/|和]/g, '')];
  if (letters.length === 0) return 'the answer is empty';
  const valid = Object.keys(choices);
  const unknown = letters.filter((letter) => !valid.includes(letter));
  if (unknown.length > 0) return `the answer "${value}" names ${unknown.join(', ')}, not among the choices ${valid.join(', ')}`;
  if (new Set(letters).size !== letters.length) return `the answer "${value}" repeats a letter`;
  return letters.sort();
}
