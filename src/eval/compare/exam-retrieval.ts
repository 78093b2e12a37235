import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Analyzer } from '../../analysis/index.js';
import { DEFAULT_EVIDENCE_THRESHOLD, scoreEvidence } from '../../answer/index.js';
import type { Hit } from '../../retrieval/index.js';
import type { ExamItem } from '../exam/index.js';

/** The part of a knowledge base RAG strategies use; `KnowledgeBase` satisfies it. */
export interface ExamKnowledgeBase {
  readonly name: string;
  /** The analyzer the knowledge base indexes with; evidence is scored with it. */
  readonly analyzer: Analyzer;
  /** A knowledge base's store; its generation (bumped by every sync that changes documents) is part of a RAG run's identity. */
  readonly store?: { generation(): number };
  search(query: string, options: { k: number }): Promise<{ hits: Hit[] }>;
}

/** How RAG strategies retrieve. */
export interface ExamRetrievalOptions {
  /** Chunks retrieved per question, 1–20. Default 3. */
  k?: number;
  /**
   * Evidence score (see `scoreEvidence`) the best hit must reach for the chunks to go into the
   * prompt, in [0, 1]; below it the question is asked without context, as `answerQuestion` would
   * refuse. Default `DEFAULT_EVIDENCE_THRESHOLD` (0.35); 0 uses any hit.
   */
  evidenceThreshold?: number;
  /** Characters of retrieved text per question, at most. Default 1500. */
  maxContextChars?: number;
}

/** Defaults of {@link ExamRetrievalOptions}. */
export const DEFAULT_EXAM_RETRIEVAL = { k: 3, evidenceThreshold: DEFAULT_EVIDENCE_THRESHOLD, maxContextChars: 1500 } as const;

/** What was retrieved for one exam item: a line of `retrieval.jsonl` in a RAG run directory. */
export interface ExamRetrieval {
  id: string;
  query: string;
  hits: Array<{ chunkId: string; score: number; documentPath: string }>;
  /** Evidence score of the best hit for the question, in [0, 1]. */
  evidence: number;
  /** Whether the hits cleared the threshold and went into the prompt. */
  used: boolean;
  /** The passage text put before the question, or null. */
  context: string | null;
}

/** The retrieval file inside a RAG run directory. */
export const RETRIEVAL_FILE = 'retrieval.jsonl';

/**
 * The query for an item: the question followed by its options, since the options often carry the
 * very terms (names, numbers) the knowledge base is indexed under.
 */
export function examRetrievalQuery(item: ExamItem): string {
  return [item.question.trim(), ...Object.values(item.choices)].join('\n');
}

/**
 * Retrieves context for each item from `knowledgeBase`. Evidence is scored on the question alone
 * (the options are candidates, not what was asked). Passages are numbered `[1] …`, blank lines
 * collapsed (so the exam prompt keeps one blank line between passage and question), and cut at
 * `maxContextChars`.
 */
export async function retrieveExamContext(items: readonly ExamItem[], knowledgeBase: ExamKnowledgeBase, options: ExamRetrievalOptions = {}): Promise<ExamRetrieval[]> {
  const { k, evidenceThreshold, maxContextChars } = { ...DEFAULT_EXAM_RETRIEVAL, ...options };
  const results: ExamRetrieval[] = [];
  for (const item of items) {
    const query = examRetrievalQuery(item);
    const { hits } = await knowledgeBase.search(query, { k });
    const evidence = hits.length === 0 ? 0 : scoreEvidence(item.question, hits, { analyzer: knowledgeBase.analyzer }).score;
    const used = hits.length > 0 && evidence >= evidenceThreshold;
    let context: string | null = null;
    if (used) {
      const joined = hits.map((hit, index) => `[${index + 1}] ${hit.chunk.text.replace(/\n\s*\n/g, '\n').trim()}`).join('\n');
      context = joined.length > maxContextChars ? `${joined.slice(0, maxContextChars - 1)}…` : joined;
    }
    results.push({
      id: item.id,
      query,
      hits: hits.map((hit) => ({ chunkId: hit.chunk.id, score: hit.score, documentPath: hit.documentPath })),
      evidence,
      used,
      context,
    });
  }
  return results;
}

/** The item as a RAG prompt shows it: the retrieved passages added to (or as) its context. */
export function withRetrievedContext(item: ExamItem, retrieval: ExamRetrieval | undefined): ExamItem {
  if (retrieval?.context == null) return item;
  return { ...item, context: item.context === undefined ? retrieval.context : `${item.context}\n${retrieval.context}` };
}

/** Retrievals already saved in a run directory, by item id (a resumed run reuses them, so its prompts do not change with the knowledge base). */
export function readSavedRetrievals(runDirectory: string): Map<string, ExamRetrieval> {
  const file = path.join(runDirectory, RETRIEVAL_FILE);
  const saved = new Map<string, ExamRetrieval>();
  if (!existsSync(file)) return saved;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as ExamRetrieval;
      saved.set(entry.id, entry);
    } catch {
      // A line cut short by a crash: retrieve that item again.
    }
  }
  return saved;
}
