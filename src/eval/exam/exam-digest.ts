import { createHash } from 'node:crypto';
import type { ExamItem } from './exam-item.js';

/**
 * sha256 (hex) of exam items as asked — id, question, options, key, context — in order: the exam
 * in a run's identity when no file digest is given, so the same items always name the same exam.
 */
export function examItemsDigest(items: readonly ExamItem[]): string {
  const hash = createHash('sha256');
  for (const item of items) hash.update(`${JSON.stringify([item.id, item.question, item.choices, item.answer, item.context ?? null])}\n`);
  return hash.digest('hex');
}
