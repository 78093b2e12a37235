import { EntityNames } from './entity-names.js';
import type { EntityReference } from './graph-fact.js';
import type { GraphSchema } from './graph-schema.js';
import { GRAPH_META, type GraphStore } from './graph-store.js';
import { resolveOwnDocument } from './own-document.js';
import { RULE_RELATIONS } from './rule-extractors.js';

/** What one resolution produced. */
export interface ResolveCounters {
  nodes: number;
  attributes: number;
  edges: number;
  mentions: number;
}

interface PendingNode {
  id: number;
  type: string;
  key: string;
  canonical?: string;
  surfaces: Map<string, number>;
}

/**
 * Entity resolution: rebuilds the graph tables (nodes, names, attributes, edges, mentions) from
 * the stored facts of the chunks the knowledge base has now. A fact of a chunk text no chunk has
 * any more is left out (and pruned by the next build), so a deleted file's facts leave the graph
 * as soon as it is resolved again.
 *
 * Two names of one type denote the same node when their keys match (see `EntityNames`: NFKC, no
 * 《》, no 中华人民共和国 prefix, Arabic article numbers, the schema's aliases). A node is shown
 * under its canonical alias, else the spelling the facts use most. `@document` references become
 * the chunk's document (`法律` when its title reads like a statute, else `文档`) or one of its
 * articles, with a `属于` edge from the article to the document.
 */
export function resolveGraph(graphStore: GraphStore, schema: GraphSchema | undefined): ResolveCounters {
  const names = new EntityNames(schema);
  const factsByText = graphStore.factsByTextHash();
  const nodes = new Map<string, PendingNode>();
  const attributes: unknown[][] = [];
  const edges: unknown[][] = [];
  const mentions: unknown[][] = [];
  const impliedPartOf = new Set<string>();
  const nodeFor = (reference: EntityReference): number => {
    const resolved = names.resolve(reference.type, reference.name);
    const mapKey = `${reference.type}\u0000${resolved.key}`;
    let node = nodes.get(mapKey);
    if (!node) {
      node = { id: nodes.size + 1, type: reference.type, key: resolved.key, surfaces: new Map() };
      if (resolved.canonical) node.canonical = resolved.canonical;
      nodes.set(mapKey, node);
    }
    node.surfaces.set(reference.name, (node.surfaces.get(reference.name) ?? 0) + 1);
    return node.id;
  };

  for (const stored of graphStore.store.iterateChunks()) {
    const facts = factsByText.get(stored.textHash);
    if (!facts) continue;
    const chunkId = stored.chunk.id;
    const resolve = (reference: EntityReference, evidence: { start: number; end: number }, extractor: string): number => {
      const { entity, partOf } = resolveOwnDocument(reference, stored.documentTitle);
      const id = nodeFor(entity);
      if (partOf) {
        const document = nodeFor(partOf);
        // That an article belongs to its document is said once, by the first fact that placed it.
        if (!impliedPartOf.has(`${id}>${document}`)) edges.push([id, RULE_RELATIONS.partOf, document, extractor, chunkId, evidence.start, evidence.end]);
        impliedPartOf.add(`${id}>${document}`);
      }
      return id;
    };
    for (const fact of facts) {
      const subject = resolve(fact.subject, fact.evidence, fact.extractor);
      if (fact.kind === 'entity') {
        mentions.push([subject, fact.extractor, chunkId, fact.evidence.start, fact.evidence.end]);
      } else if (fact.kind === 'attribute') {
        const value = fact.value ?? '';
        attributes.push([subject, fact.predicate ?? '', value, fact.normalized ?? value.normalize('NFKC').trim().toLowerCase(), fact.unit ?? null, fact.extractor, chunkId, fact.evidence.start, fact.evidence.end]);
      } else if (fact.object) {
        const object = resolve(fact.object, fact.evidence, fact.extractor);
        // A document that names itself (its own title line in 《》) is no citation.
        if (object !== subject) edges.push([subject, fact.predicate ?? '', object, fact.extractor, chunkId, fact.evidence.start, fact.evidence.end]);
      }
    }
  }

  const database = graphStore.database;
  database.transaction(() => {
    for (const table of ['graph_nodes', 'graph_names', 'graph_attributes', 'graph_edges', 'graph_mentions']) database.prepare(`DELETE FROM ${table}`).run();
    const insertNode = database.prepare('INSERT INTO graph_nodes (id, type, key, name) VALUES (?, ?, ?, ?)');
    const insertName = database.prepare('INSERT OR IGNORE INTO graph_names (node_id, name) VALUES (?, ?)');
    for (const node of nodes.values()) {
      const surfaces = [...node.surfaces].sort((left, right) => right[1] - left[1]);
      insertNode.run(node.id, node.type, node.key, node.canonical ?? surfaces[0]![0]);
      for (const [surface] of surfaces) insertName.run(node.id, surface);
      if (node.canonical) insertName.run(node.id, node.canonical);
    }
    const insertAttribute = database.prepare('INSERT INTO graph_attributes (node_id, name, value, normalized, unit, extractor, chunk_id, evidence_start, evidence_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const row of attributes) insertAttribute.run(...row);
    const insertEdge = database.prepare('INSERT INTO graph_edges (source_id, relation, target_id, extractor, chunk_id, evidence_start, evidence_end) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const seenEdges = new Set<string>();
    for (const row of edges) {
      const key = row.join('\u0000');
      if (seenEdges.has(key)) continue;
      seenEdges.add(key);
      insertEdge.run(...row);
    }
    const insertMention = database.prepare('INSERT INTO graph_mentions (node_id, extractor, chunk_id, evidence_start, evidence_end) VALUES (?, ?, ?, ?, ?)');
    for (const row of mentions) insertMention.run(...row);
    graphStore.store.setMeta(GRAPH_META.resolvedFrom, graphStore.currentRevision());
  })();
  return { nodes: nodes.size, attributes: attributes.length, edges: seenEdgeCount(database), mentions: mentions.length };
}

function seenEdgeCount(database: GraphStore['database']): number {
  return Number((database.prepare('SELECT COUNT(*) AS n FROM graph_edges').get() as { n: number }).n);
}
