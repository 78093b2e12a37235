/**
 * @module datasets/review — human review of generated items: a queue persisted beside the dataset
 * (`<file>.review.json`, decisions accept/edit/reject with timestamps), and `applyReviewDecisions`
 * so the decisions flow into export.
 */
export type { ReviewAction, ReviewDecision, ReviewState, ReviewStatus } from './review-state.js';
export { readReviewState, recordReviewDecision, REVIEW_ACTIONS, REVIEW_STATE_VERSION, reviewItemId, reviewStatePath, reviewStatuses, writeReviewState } from './review-state.js';
export type { ApplyReviewOptions, ApplyReviewResult } from './apply-review-decisions.js';
export { applyReviewDecisions } from './apply-review-decisions.js';
