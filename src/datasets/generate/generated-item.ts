import type { EvolOperation, GenerationMethod } from './generation-method.js';
import type { Language } from '../../prompt/index.js';

/**
 * One line of a generated dataset. The layout is OpenAI `messages` (so `readDatasetFile`,
 * `cleanDataset` and `exportDataset` read it as-is) plus provenance: the id, the method, and the
 * chunk ids the item came from, which review shows and `checkGrounding` checks against.
 */
export interface GeneratedItem {
  /** `<chunk id>:<method>:<index>`: stable across re-runs, so a resumed job cannot duplicate an item. */
  id: string;
  method: GenerationMethod;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
  /** The knowledge-base chunks the item was generated from. */
  chunkIds: string[];
  language: Language;
  source: { knowledgeBase?: string; documentPath: string; documentTitle: string; headingPath: string[] };
  /** evol: which rewriting was applied, and the instruction it started from. */
  operation?: EvolOperation;
  evolvedFrom?: string;
  /** `<provider>:<model id>` that wrote it. */
  model: string;
  createdAt: string;
}

/** The id of the `index`-th item generated from `chunkId` by `method`. */
export function generatedItemId(chunkId: string, method: GenerationMethod, index: number): string {
  return `${chunkId}:${method}:${index}`;
}
