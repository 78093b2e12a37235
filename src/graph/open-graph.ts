import type { KnowledgeBase } from '../knowledge-base/index.js';
import { refreshGraph } from './build-graph.js';
import { matchGraphPattern, parseGraphPattern, type GraphMatch } from './graph-pattern.js';
import { readGraphSchema } from './graph-schema-store.js';
import { GRAPH_META } from './graph-store.js';
import { KnowledgeGraph, type LocatedEvidence } from './knowledge-graph.js';

/**
 * The knowledge base's graph, brought up to date first (facts of vanished chunks dropped, the
 * rules run on new chunks, entities resolved again — no model is called), then read into memory.
 *
 * @example
 * const graph = openGraph(kb);
 * const [statute] = graph.findNodes('《中华人民共和国劳动合同法》');
 * graph.facts(statute).incoming; // who cites it, each with chunk id and evidence span
 */
export function openGraph(kb: KnowledgeBase): KnowledgeGraph {
  refreshGraph(kb);
  return new KnowledgeGraph(kb.store, readGraphSchema(kb.store));
}

/** Whether the knowledge base has a graph: facts were built (`graph build`) or a schema was set for one. */
export function hasGraph(kb: KnowledgeBase): boolean {
  return kb.store.getMeta(GRAPH_META.factsRevision) !== undefined || kb.store.getMeta(GRAPH_META.schema) !== undefined;
}

/** One match of {@link queryGraph}, in plain data: node names, relations, values and their evidence. */
export interface GraphQueryRow {
  nodes: Array<{ id: number; type: string; name: string }>;
  edges: Array<{ from: string; relation: string; to: string; evidence: LocatedEvidence }>;
  attributes: Array<{ node: string; name: string; value: string; normalized: string; evidence: LocatedEvidence }>;
}

/**
 * Runs a graph pattern (see `GraphPattern` for the syntax) on a knowledge base and returns plain
 * rows with their evidence located — what an agent's `graph_query` tool hands back to a model.
 *
 * @example
 * const rows = queryGraph(kb, '(条款:*)-[引用]->(法律:劳动合同法)');
 * rows[0].edges[0].evidence.documentPath; // where the citation was found
 */
export function queryGraph(kb: KnowledgeBase, pattern: string, options: { limit?: number } = {}): GraphQueryRow[] {
  const graph = openGraph(kb);
  return graphMatchesToRows(graph, matchGraphPattern(graph, parseGraphPattern(pattern), options));
}

/** Plain rows of pattern matches, evidence located. */
export function graphMatchesToRows(graph: KnowledgeGraph, matches: GraphMatch[]): GraphQueryRow[] {
  return matches.map((match) => {
    const edges = graph.locate(match.edges);
    const attributes = graph.locate(match.attributes.flat());
    return {
      nodes: match.nodes.map((node) => ({ id: node.id, type: node.type, name: node.name })),
      edges: edges.map((edge) => ({ from: graph.node(edge.sourceId).name, relation: edge.relation, to: graph.node(edge.targetId).name, evidence: evidenceOnly(edge) })),
      attributes: attributes.map((attribute) => ({ node: graph.node(attribute.nodeId).name, name: attribute.name, value: attribute.value, normalized: attribute.normalized, evidence: evidenceOnly(attribute) })),
    };
  });
}

function evidenceOnly(located: LocatedEvidence): LocatedEvidence {
  const { extractor, chunkId, start, end, documentId, documentPath, documentTitle, documentRowKey, headingPath, chunkStart, chunkEnd, evidence, sentence } = located;
  return { extractor, chunkId, start, end, documentId, documentPath, documentTitle, ...(documentRowKey === undefined ? {} : { documentRowKey }), headingPath, chunkStart, chunkEnd, evidence, sentence };
}
