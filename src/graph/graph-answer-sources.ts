import { canReadDocument, type AccessFilter } from '../access/index.js';
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
  search(query: string, options: RetrieveOptions & { access?: AccessFilter }): Promise<RetrievalResult>;
  store: KnowledgeBase['store'];
  /** The fact hits a query brings (also the last hits `search` returns); only facts found in documents `access` may read. */
  graphFacts(query: string, access?: AccessFilter): Hit[];
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
  const graphFacts = (query: string, access?: AccessFilter): Hit[] => {
    graph ??= openGraph(kb);
    const openGraphOnce = graph;
    // Facts are located (and checked against `access`) before any are chosen, so a restricted
    // document's facts neither reach the prompt nor take the places of readable ones.
    const perNode = openGraphOnce.nodesMentionedIn(query).map((node) =>
      factsOf(openGraphOnce, node).flatMap((fact) => {
        const [where] = openGraphOnce.locate([fact.provenance]);
        const stored = where ? kb.store.chunksByIds([where.chunkId]).get(where.chunkId) : undefined;
        return where && stored && canReadDocument(stored.documentGroups, access) ? [{ ...fact, sentence: where.sentence, stored }] : [];
      }),
    );
    const chosen: Array<(typeof perNode)[number][number]> = [];
    for (let round = 0; chosen.length < maxFacts && perNode.some((facts) => facts.length > round); round++) {
      for (const facts of perNode) {
        const fact = facts[round];
        if (fact && chosen.length < maxFacts) chosen.push(fact);
      }
    }
    return chosen.map(({ statement, sentence, stored, node }, index) => {
      const text = `知识图谱事实：${statement}\n原文：${sentence}`;
      return {
        chunk: { ...stored.chunk, text, tokenCount: estimateTokens(text) },
        score: 1,
        documentPath: stored.documentPath,
        documentTitle: stored.documentTitle,
        ...(stored.documentRowKey === undefined ? {} : { documentRowKey: stored.documentRowKey }),
        matchedTerms: [node.name],
        scores: [{ retriever: 'graph', score: 1, rank: index + 1 }],
      };
    });
  };
  return {
    store: kb.store,
    graphFacts,
    async search(query, searchOptions) {
      const retrieved = await kb.search(query, searchOptions);
      const facts = graphFacts(query, searchOptions.access);
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
