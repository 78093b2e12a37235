import { choiceLetters, type ExamItem } from './exam-item.js';

/**
 * Circular evaluation (OpenCompass CircularEval, https://arxiv.org/abs/2307.06281 §3.3): an item
 * with n options is asked n times, the options rotated by one place each time, and counts as
 * right only when every rotation is answered right. A model that guesses or prefers a position
 * ("always A") scores 0 instead of 1/n.
 *
 * Rotation r shows, at letter i, the option originally at letter (i + r) mod n:
 *
 *     r = 0   A:土地 B:资金 C:工具 D:劳力      (as written)
 *     r = 1   A:资金 B:工具 C:劳力 D:土地      (the key B moves to D)
 *
 * Letters stay A, B, C…; texts move. Returns a copy with choices and answer re-mapped.
 */
export function rotateExamItem(item: ExamItem, rotation: number): ExamItem {
  const letters = choiceLetters(item);
  const count = letters.length;
  const shift = ((rotation % count) + count) % count;
  if (shift === 0) return item;
  const texts = letters.map((letter) => item.choices[letter]!);
  const choices = Object.fromEntries(letters.map((letter, index) => [letter, texts[(index + shift) % count]!]));
  const answer = item.answer.map((letter) => letters[(letters.indexOf(letter) - shift + count) % count]!).sort();
  return { ...item, choices, answer };
}

/** How many times an item is asked: once, or once per option under circular evaluation. */
export function rotationCount(item: Pick<ExamItem, 'choices'>, circular: boolean): number {
  return circular ? choiceLetters(item).length : 1;
}
