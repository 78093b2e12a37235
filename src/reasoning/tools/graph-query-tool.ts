import { canReadDocument, type AccessFilter } from '../../access/index.js';
import { hasGraph, queryGraph, type LocatedEvidence } from '../../graph/index.js';
import { KnowledgeBase, type StoredChunk } from '../../knowledge-base/index.js';
import type { Hit } from '../../retrieval/index.js';
import type { ReasoningKnowledgeBase } from './reasoning-knowledge-base.js';
import type { ReasoningTool } from './reasoning-tool.js';

/** Rows `graph_query` returns when the model does not say (and the most it may ask for). */
const DEFAULT_GRAPH_ROWS = 10;
const MAX_GRAPH_ROWS = 30;

/** Whether `kb` has a knowledge graph (built facts or a schema) for `graph_query` to read. */
export function hasKnowledgeGraph(kb: ReasoningKnowledgeBase): kb is ReasoningKnowledgeBase & KnowledgeBase {
  return kb instanceof KnowledgeBase && hasGraph(kb);
}

/**
 * `graph_query`: a graph pattern (`queryGraph`'s syntax) over the knowledge base's graph. Each fact
 * is cited by its evidence chunk, numbered in the run's source list as search results are, so an
 * answer's `[n]` resolves to the chunk the fact was found in. A row with any fact found in a
 * document the caller may not read is left out whole: its node names came from that document too.
 */
export const graphQueryTool: ReasoningTool = {
  definition: {
    name: 'graph_query',
    description:
      'Query the knowledge graph with a pattern, e.g. (条款:*)-[引用]->(法律:劳动合同法) or (产品:*.费率 < 1). Returns facts, each with the numbered passage [n] it was found in; cite them as [n].',
    parameters: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'A graph pattern: (类型:名称)-[关系]->(类型:名称); * matches any name' },
        limit: { type: 'integer', description: `Rows to return, 1–${MAX_GRAPH_ROWS} (default ${DEFAULT_GRAPH_ROWS})` },
      },
      required: ['pattern'],
      additionalProperties: false,
    },
  },
  async run(args, { kb, sources, access }) {
    if (!hasKnowledgeGraph(kb)) return 'This knowledge base has no knowledge graph.';
    const limit = Math.min(MAX_GRAPH_ROWS, Math.max(1, Math.trunc(Number(args['limit'] ?? DEFAULT_GRAPH_ROWS)) || DEFAULT_GRAPH_ROWS));
    const rows = queryGraph(kb, String(args['pattern']), { limit: MAX_GRAPH_ROWS * 4 });
    const chunks = kb.store.chunksByIds([...new Set(rows.flatMap((row) => [...row.edges, ...row.attributes].map((fact) => fact.evidence.chunkId)))]);
    const lines: string[] = [];
    const cited: Hit[] = [];
    for (const row of rows) {
      if (lines.length === limit) break;
      const facts = [
        ...row.edges.map((edge) => ({ statement: `${edge.from} —${edge.relation}→ ${edge.to}`, evidence: edge.evidence })),
        ...row.attributes.map((attribute) => ({ statement: `${attribute.node} —${attribute.name}→ ${attribute.value}`, evidence: attribute.evidence })),
      ];
      if (!facts.every((fact) => readable(chunks.get(fact.evidence.chunkId), access))) continue;
      if (facts.length === 0) {
        lines.push(row.nodes.map((node) => `${node.type}:${node.name}`).join(', '));
        continue;
      }
      lines.push(
        facts
          .map((fact) => {
            const hit = evidenceHit(chunks.get(fact.evidence.chunkId)!, fact.evidence);
            cited.push(hit);
            return `${fact.statement} [${sources.add(hit)}]`;
          })
          .join('; '),
      );
    }
    if (lines.length === 0) return 'No facts match the pattern.';
    const seen = new Set<string>();
    const passages = cited.filter((hit) => !seen.has(hit.chunk.id) && seen.add(hit.chunk.id));
    return `${lines.map((line, index) => `${index + 1}. ${line}`).join('\n')}\n\n${sources.render(passages)}`;
  },
};

function readable(stored: StoredChunk | undefined, access: AccessFilter | undefined): stored is StoredChunk {
  return stored !== undefined && canReadDocument(stored.documentGroups, access);
}

function evidenceHit(stored: StoredChunk, evidence: LocatedEvidence): Hit {
  return {
    chunk: stored.chunk,
    score: 1,
    documentPath: stored.documentPath,
    documentTitle: stored.documentTitle,
    ...(stored.documentRowKey === undefined ? {} : { documentRowKey: stored.documentRowKey }),
    matchedTerms: [evidence.evidence],
    scores: [{ retriever: 'graph', score: 1, rank: 1 }],
  };
}
