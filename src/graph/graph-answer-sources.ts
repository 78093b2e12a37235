import { estimateTokens } from '../chunking/index.js';
import type { KnowledgeBase } from '../knowledge-base/index.js';
import type { Hit, RetrievalResult, RetrieveOptions } from '../retrieval/index.js';
import type { GraphNode, KnowledgeGraph, Provenance } from './knowledge-graph.js';
import { openGraph } from './open-graph.js';

/** Options for {@link withGraphFacts}. */
export interface GraphFactsOptions {
  /** Most facts put after the retrieved passages (default 6). */
  maxFacts?: number;
}

/** A knowledge base whose search also returns the graph's facts about the entities a query names. */
export interface GraphAnsweringKnowledgeBase {
  search(query: string, options: RetrieveOptions): Promise<RetrievalResult>;
  store: KnowledgeBase['store'];
  /** The fact hits a query brings (also the last hits `search` returns). */
  graphFacts(query: string): Hit[];
}

/**
 * Wraps a knowledge base for answering with its graph (`ask --graph`, `answer.graph: true`): the
 * entities the query names bring their facts (attribute values, relations) in as extra hits after
 * the retrieved passages. A fact hit is its evidence chunk — same chunk id, document, heading path
 * and offsets, so a `[n]` citing it resolves to where the fact was found — whose text is the fact
 * and the sentence stating it:
 *
 * ```
 * 知识图谱事实：星河网络科技有限公司第十条 —期限→ 六个月
 * 原文：无论何种情形，试用期最长不得超过六个月。
 * ```
 *
 * Facts go round-robin over the named entities (longest name first), attributes before relations.
 */
export function withGraphFacts(kb: KnowledgeBase, options: GraphFactsOptions = {}): GraphAnsweringKnowledgeBase {
  const maxFacts = options.maxFacts ?? 6;
  let graph: KnowledgeGraph | undefined;
  const graphFacts = (query: string): Hit[] => {
    graph ??= openGraph(kb);
    const perNode = graph.nodesMentionedIn(query).map((node) => factsOf(graph!, node));
    const chosen: Array<{ statement: string; provenance: Provenance; node: GraphNode }> = [];
    for (let round = 0; chosen.length < maxFacts && perNode.some((facts) => facts.length > round); round++) {
      for (const facts of perNode) {
        const fact = facts[round];
        if (fact && chosen.length < maxFacts) chosen.push(fact);
      }
    }
    return chosen.flatMap((fact, index) => {
      const [where] = graph!.locate([fact.provenance]);
      const stored = where ? kb.store.chunksByIds([where.chunkId]).get(where.chunkId) : undefined;
      if (!where || !stored) return [];
      const text = `知识图谱事实：${fact.statement}\n原文：${where.sentence}`;
      return [
        {
          chunk: { ...stored.chunk, text, tokenCount: estimateTokens(text) },
          score: 1,
          documentPath: stored.documentPath,
          documentTitle: stored.documentTitle,
          ...(stored.documentRowKey === undefined ? {} : { documentRowKey: stored.documentRowKey }),
          matchedTerms: [fact.node.name],
          scores: [{ retriever: 'graph', score: 1, rank: index + 1 }],
        },
      ];
    });
  };
  return {
    store: kb.store,
    graphFacts,
    async search(query, searchOptions) {
      const retrieved = await kb.search(query, searchOptions);
      const facts = graphFacts(query);
      // After the passages: the evidence threshold judges the top passages as it would without the
      // graph (a short fact covers few of a question's words; put first, it turned answerable
      // questions into refusals), and the facts add sources rather than displace them.
      return facts.length === 0 ? retrieved : { ...retrieved, hits: [...retrieved.hits, ...facts] };
    },
  };
}

function factsOf(graph: KnowledgeGraph, node: GraphNode): Array<{ statement: string; provenance: Provenance; node: GraphNode }> {
  const facts = graph.facts(node);
  return [
    ...facts.attributes.map((attribute) => ({ statement: `${node.name} —${attribute.name}→ ${attribute.value}`, provenance: attribute, node })),
    ...facts.outgoing.map((edge) => ({ statement: `${node.name} —${edge.relation}→ ${edge.target.name}`, provenance: edge, node })),
    ...facts.incoming.map((edge) => ({ statement: `${edge.source.name} —${edge.relation}→ ${node.name}`, provenance: edge, node })),
  ];
}
