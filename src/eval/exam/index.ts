/**
 * @module eval/exam — multiple-choice exams (CMMLU, C-Eval, JEC-QA and the user's own) run
 * against a language model: exam files as data, zero- and few-shot prompts, answer extraction
 * from free text, circular evaluation, resumable run directories, and accuracy with bootstrap
 * confidence intervals.
 */
export { choiceLetters, type ExamItem } from './exam-item.js';
export { readExam, type ExamFile, type MalformedExamItem, type MalformedExamItemReason, type ReadExamOptions } from './read-exam.js';
export { extractChoiceAnswer, type AnswerExtractionMethod, type ExtractChoiceAnswerOptions, type ExtractedChoiceAnswer } from './extract-choice-answer.js';
export {
  buildExamMessages,
  examItemsToExamples,
  examPromptLanguage,
  renderExamAnswer,
  renderExamQuestion,
  EXAM_PROMPT_TEMPLATES,
  type BuildExamMessagesOptions,
  type ExamPromptTemplate,
  type ExamPromptTemplateName,
} from './exam-prompt.js';
export { rotateExamItem, rotationCount } from './circular.js';
export { bootstrapAccuracyInterval, bootstrapMeanInterval, bootstrapStatisticInterval, groupSeed, DEFAULT_BOOTSTRAP_RESAMPLES, type BootstrapOptions } from './bootstrap.js';
export type { ExamRecord, ExamRunConfig } from './exam-record.js';
export { summarizeExam, type ExamAccuracy, type ExamSummary, type SummarizeExamOptions } from './exam-statistics.js';
export { examItemsDigest } from './exam-digest.js';
export { runExam, type ExamProgress, type ExamRunFailure, type ExamRunResult, type RunExamOptions } from './run-exam.js';
