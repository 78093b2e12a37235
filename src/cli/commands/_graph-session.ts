import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge-base/index.js';
import { createDefaultComponents } from '../../presets/index.js';
import { openSession, type CommonFlags } from '../_session.js';

/** A session with the knowledge base opened for graph work (no embedding model: the graph needs none). */
export function openGraphSession(data: unknown, args: CommonFlags & { kb: string }) {
  const { session, terminal, loaded } = openSession(data, args);
  const knowledgeBase: KnowledgeBase = openKnowledgeBase({ home: loaded.config.home, storeUrl: loaded.config.store.url, name: args.kb }, createDefaultComponents({ ...loaded.config, embedding: { provider: 'none' } }));
  return { session, terminal, config: loaded.config, knowledgeBase };
}
