import { Bm25Index, type Bm25BuildOptions, type LexicalMatch, type LexicalRecord } from '../index/index.js';
import { citationEvidence, DEFAULT_CITATION_PARAMS, type CitationParams } from './rescoring/citation-evidence.js';
import { DEFAULT_GROUP_PARAMS, groupEvidence, type GroupParams } from './rescoring/group-evidence.js';
import type { Candidate, RescoringContext, RescoringStage } from './rescoring/rescoring-stage.js';
import { DEFAULT_FEEDBACK_PARAMS, rm3Feedback, type FeedbackParams } from './rescoring/rm3-feedback.js';
import { DEFAULT_TOPIC_PARAMS, topicEvidence, type TopicParams } from './rescoring/topic-evidence.js';

/**
 * Which rescoring stages follow the BM25F first pass, and their settings: `true` for a stage's
 * defaults, a partial object merged over them, `false` for none. Unset: group, topic and citation
 * evidence on, RM3 feedback off (on stard-legal it lowered nDCG@10 for every setting tried,
 * docs/design.md, "Lexical engine"; it is kept for collections of short keyword queries).
 */
export interface RescoringSettings {
  feedback?: boolean | Partial<FeedbackParams>;
  topics?: boolean | Partial<TopicParams>;
  citations?: boolean | Partial<CitationParams>;
  groups?: boolean | Partial<GroupParams>;
}

/** What a cascade search takes. */
export interface LexicalSearchOptions {
  /** Number of matches to return, ≥ 1. Default 10. */
  k?: number;
  /** Keep only records whose id passes; applied before ranking, so k matches still come back. */
  filter?: (id: string) => boolean;
}

/** A lexical index with its rescoring cascade: what a knowledge base, `eval retrieval` and the bench search. */
export interface LexicalSearch {
  readonly index: Bm25Index;
  /** The stages that can change a ranking on this index, in the order they run. */
  readonly stages: readonly RescoringStage[];
  search(query: string, options?: LexicalSearchOptions): LexicalMatch[];
}

/**
 * Builds the BM25F index of `records`: the one way a knowledge base and `eval retrieval` build
 * theirs, so a number measured on a test collection is the number a knowledge base gets.
 */
export function buildLexicalIndex(records: readonly LexicalRecord[], options: Bm25BuildOptions): Bm25Index {
  return Bm25Index.build(records, options);
}

/**
 * The cascade for `index`: RM3 feedback, then topic, citation and group evidence (topic and
 * citation first, so a group's support includes them). A stage that cannot change a ranking on
 * this index (weight 0, no topic vectors, no citations, no shared groups) is left out.
 */
export function createRescoringCascade(index: Bm25Index, settings: RescoringSettings = {}): RescoringStage[] {
  const resolve = <T extends object>(setting: boolean | Partial<T> | undefined, defaults: Readonly<T>, onByDefault: boolean): T | undefined =>
    setting === false || (setting === undefined && !onByDefault) ? undefined : { ...defaults, ...(typeof setting === 'object' ? setting : {}) };
  const stages: RescoringStage[] = [];
  const feedback = resolve(settings.feedback, DEFAULT_FEEDBACK_PARAMS, false);
  if (feedback && feedback.terms > 0 && feedback.originalQueryWeight < 1) stages.push(rm3Feedback(feedback));
  const topics = resolve(settings.topics, DEFAULT_TOPIC_PARAMS, true);
  if (topics && topics.weight !== 0 && index.topics !== undefined && index.analyzer.words !== undefined) stages.push(topicEvidence(topics));
  const citations = resolve(settings.citations, DEFAULT_CITATION_PARAMS, true);
  if (citations && citations.weight !== 0 && index.hasCitations) stages.push(citationEvidence(citations));
  const groups = resolve(settings.groups, DEFAULT_GROUP_PARAMS, true);
  if (groups && groups.weight !== 0 && index.hasSharedGroups) stages.push(groupEvidence(groups));
  return stages;
}

/**
 * `index` searched through its cascade: the exact BM25F top `depth` (k, or more when a stage needs
 * more candidates), re-scored stage by stage, cut to k. Each match tags what every step added.
 *
 * @example
 * const lexical = createLexicalSearch(index, { groups: { weight: 0.3 } });
 * lexical.search('试用期最长多久', { k: 5 }); // [{ id, score, stages: [{ stage: 'bm25f', … }, { stage: 'topic', … }] }, …]
 */
export function createLexicalSearch(index: Bm25Index, settings: RescoringSettings = {}): LexicalSearch {
  const stages = createRescoringCascade(index, settings);
  const stageDepth = stages.reduce((depth, stage) => Math.max(depth, stage.candidates), 0);
  return {
    index,
    stages,
    search(query, options = {}) {
      const k = options.k ?? 10;
      const depth = Math.max(k, stageDepth);
      const terms = index.queryTerms(query);
      const firstPass = index.score(terms, depth, options.filter);
      let candidates = firstPass.documents.map((document, rank): Candidate => ({ document, score: firstPass.scores[rank]!, stages: [{ stage: 'bm25f', score: firstPass.scores[rank]! }] }));
      const context: RescoringContext = { query, index, terms, firstPassBest: firstPass.scores[0] ?? 0, depth, filter: options.filter };
      for (const stage of stages) candidates = stage.rescore(candidates, context);
      return candidates.slice(0, k).map((candidate) => index.match(candidate.document, candidate.score, context.terms, candidate.citedBy, candidate.stages));
    },
  };
}
