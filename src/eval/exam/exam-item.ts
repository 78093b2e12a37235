/**
 * One multiple-choice exam question, as the exam sets under `datasets/exams/` (CMMLU, C-Eval,
 * JEC-QA) store it: `{"id","subject","split","question","choices":{"A":…},"answer","multi"?,
 * "context"?, "explanation"?}`.
 */
export interface ExamItem {
  /** Unique within an exam; names the item in run records and reports. */
  id: string;
  /** Groups items for per-subject accuracy (`agronomy`, `jec-qa-ca`). */
  subject: string;
  /** `test`, `dev`, `val`…; '' when the file has none. */
  split: string;
  question: string;
  /** Option letter → option text, in letter order (`A`, `B`, …). At least two options. */
  choices: Record<string, string>;
  /** The correct letters, sorted and distinct: `['B']`, or `['A', 'C']` for a multi-answer item. */
  answer: string[];
  /** Whether the item may have several correct letters (the prompt says so). */
  multi: boolean;
  /** A passage the question refers to, shown before it. */
  context?: string;
  /** The worked solution some sets carry (C-Eval dev); not shown to the model by default. */
  explanation?: string;
  /** A display name for the subject (C-Eval's `meta.name_zh`), used in prompts. */
  subjectLabel?: string;
}

/** The option letters of `item`, in order. */
export function choiceLetters(item: Pick<ExamItem, 'choices'>): string[] {
  return Object.keys(item.choices);
}
