import { sqliteDatabaseOf, type KnowledgeBaseStore } from '../knowledge-base/index.js';
import { EntityNames } from './entity-names.js';
import type { Extractor } from './graph-fact.js';
import { findAttribute, type GraphSchema } from './graph-schema.js';
import { GRAPH_FEATURE } from './graph-store.js';

/** Where a graph row came from: the chunk and the evidence span in its text. */
export interface Provenance {
  extractor: Extractor;
  chunkId: string;
  /** Offsets in the chunk's text (UTF-16 code units). */
  start: number;
  end: number;
}

export interface GraphNode {
  id: number;
  type: string;
  /** The display name: the canonical alias, else the spelling used most. */
  name: string;
  /** The resolution key (see `normalizeEntityName`). */
  key: string;
  /** Every spelling that was resolved to this node. */
  names: string[];
}

export interface GraphAttribute extends Provenance {
  nodeId: number;
  name: string;
  value: string;
  normalized: string;
  unit?: string;
}

export interface GraphEdge extends Provenance {
  sourceId: number;
  relation: string;
  targetId: number;
}

/** Two or more different values of a single-valued attribute of one node: kept, and reported. */
export interface AttributeConflict {
  node: GraphNode;
  attribute: string;
  values: GraphAttribute[];
}

/** A provenance with the chunk's place and the evidence text, for showing and citing. */
export interface LocatedEvidence extends Provenance {
  documentId: string;
  documentPath: string;
  documentTitle: string;
  documentRowKey?: string;
  headingPath: string[];
  /** The chunk's offsets in its document. */
  chunkStart: number;
  chunkEnd: number;
  evidence: string;
  /** The sentence (or line) of the chunk around the evidence. */
  sentence: string;
}

/** Everything the graph says about one node. */
export interface NodeFacts {
  node: GraphNode;
  attributes: GraphAttribute[];
  outgoing: Array<GraphEdge & { target: GraphNode }>;
  incoming: Array<GraphEdge & { source: GraphNode }>;
  mentions: Provenance[];
}

/**
 * The resolved graph of a knowledge base, read from its tables into memory for lookups,
 * neighbourhoods and pattern queries. Open it with `openGraph` (which brings it up to date first).
 */
export class KnowledgeGraph {
  readonly nodes: GraphNode[];
  readonly attributes: GraphAttribute[];
  readonly edges: GraphEdge[];
  readonly schema: GraphSchema | undefined;
  private readonly store: KnowledgeBaseStore;
  private readonly names: EntityNames;
  private readonly byId = new Map<number, GraphNode>();
  private readonly byKey = new Map<string, GraphNode[]>();
  private readonly attributesByNode = new Map<number, GraphAttribute[]>();
  private readonly outgoingByNode = new Map<number, GraphEdge[]>();
  private readonly incomingByNode = new Map<number, GraphEdge[]>();
  private readonly mentionsByNode = new Map<number, Provenance[]>();

  constructor(store: KnowledgeBaseStore, schema: GraphSchema | undefined) {
    this.store = store;
    this.schema = schema;
    this.names = new EntityNames(schema);
    const database = sqliteDatabaseOf(store, GRAPH_FEATURE);
    const names = new Map<number, string[]>();
    for (const row of database.prepare('SELECT node_id, name FROM graph_names ORDER BY node_id, name').all() as Array<{ node_id: number; name: string }>) {
      push(names, row.node_id, row.name);
    }
    this.nodes = (database.prepare('SELECT id, type, key, name FROM graph_nodes ORDER BY id').all() as Array<{ id: number; type: string; key: string; name: string }>).map((row) => ({
      ...row,
      names: names.get(row.id) ?? [row.name],
    }));
    for (const node of this.nodes) {
      this.byId.set(node.id, node);
      push(this.byKey, node.key, node);
    }
    const provenance = (row: Record<string, unknown>): Provenance => ({
      extractor: row['extractor'] as Extractor,
      chunkId: String(row['chunk_id']),
      start: Number(row['evidence_start']),
      end: Number(row['evidence_end']),
    });
    this.attributes = (database.prepare('SELECT * FROM graph_attributes ORDER BY id').all() as Array<Record<string, unknown>>).map((row) => ({
      ...provenance(row),
      nodeId: Number(row['node_id']),
      name: String(row['name']),
      value: String(row['value']),
      normalized: String(row['normalized']),
      ...(row['unit'] == null ? {} : { unit: String(row['unit']) }),
    }));
    this.edges = (database.prepare('SELECT * FROM graph_edges ORDER BY id').all() as Array<Record<string, unknown>>).map((row) => ({
      ...provenance(row),
      sourceId: Number(row['source_id']),
      relation: String(row['relation']),
      targetId: Number(row['target_id']),
    }));
    for (const attribute of this.attributes) push(this.attributesByNode, attribute.nodeId, attribute);
    for (const edge of this.edges) {
      push(this.outgoingByNode, edge.sourceId, edge);
      push(this.incomingByNode, edge.targetId, edge);
    }
    for (const row of database.prepare('SELECT * FROM graph_mentions').all() as Array<Record<string, unknown>>) push(this.mentionsByNode, Number(row['node_id']), provenance(row));
  }

  node(id: number): GraphNode {
    const node = this.byId.get(id);
    if (!node) throw new Error(`No graph node ${id}`);
    return node;
  }

  /**
   * The nodes a name denotes: `类型:名称` restricts the type; names resolve as facts do (aliases,
   * full-width forms, 《》, the 中华人民共和国 prefix, 第十九条 = 第19条).
   *
   * @example
   * graph.findNodes('《中华人民共和国劳动合同法》'); // the 法律 node 劳动合同法
   */
  findNodes(text: string): GraphNode[] {
    const typed = /^([^:：]{1,20})[:：](.+)$/u.exec(text.trim());
    const candidates = typed && this.nodes.some((node) => node.type === typed[1]) ? [{ type: typed[1]!, name: typed[2]! }] : undefined;
    if (candidates) {
      const { key } = this.names.resolve(candidates[0]!.type, candidates[0]!.name);
      return (this.byKey.get(key) ?? []).filter((node) => node.type === candidates[0]!.type);
    }
    const found = new Map<number, GraphNode>();
    for (const node of this.byKey.get(this.names.normalize(text)) ?? []) found.set(node.id, node);
    for (const type of new Set(this.nodes.map((node) => node.type))) {
      for (const node of this.byKey.get(this.names.resolve(type, text).key) ?? []) if (node.type === type) found.set(node.id, node);
    }
    return [...found.values()];
  }

  /** The nodes whose name (any spelling) occurs in `text`, longest names first; names shorter than 2 characters are ignored. */
  nodesMentionedIn(text: string): GraphNode[] {
    const haystack = this.names.normalize(text);
    const matches: Array<{ node: GraphNode; length: number; at: number }> = [];
    for (const node of this.nodes) {
      const keys = new Set([node.key, ...node.names.map((name) => this.names.normalize(name))]);
      let best: { length: number; at: number } | undefined;
      for (const key of keys) {
        if ([...key].length < 2) continue;
        const at = haystack.indexOf(key);
        if (at >= 0 && (!best || key.length > best.length)) best = { length: key.length, at };
      }
      if (best) matches.push({ node, ...best });
    }
    matches.sort((left, right) => right.length - left.length || left.at - right.at);
    // A name inside a longer matched name (劳动合同法 inside 劳动合同法第19条) is that name's part, not a second entity.
    const taken: Array<[number, number]> = [];
    const kept: GraphNode[] = [];
    for (const match of matches) {
      const span: [number, number] = [match.at, match.at + match.length];
      if (taken.some(([start, end]) => span[0] >= start && span[1] <= end)) continue;
      taken.push(span);
      kept.push(match.node);
    }
    return kept;
  }

  facts(node: GraphNode): NodeFacts {
    return {
      node,
      attributes: this.attributesByNode.get(node.id) ?? [],
      outgoing: (this.outgoingByNode.get(node.id) ?? []).map((edge) => ({ ...edge, target: this.node(edge.targetId) })),
      incoming: (this.incomingByNode.get(node.id) ?? []).map((edge) => ({ ...edge, source: this.node(edge.sourceId) })),
      mentions: this.mentionsByNode.get(node.id) ?? [],
    };
  }

  /** Nodes within `depth` edges of `node` (either direction), with the distance and the edge that reached each. */
  neighbors(node: GraphNode, depth = 1): Array<{ node: GraphNode; distance: number; via: GraphEdge }> {
    const reached = new Map<number, { node: GraphNode; distance: number; via: GraphEdge }>();
    let frontier = [node.id];
    for (let distance = 1; distance <= depth && frontier.length > 0; distance++) {
      const next: number[] = [];
      for (const id of frontier) {
        for (const edge of [...(this.outgoingByNode.get(id) ?? []), ...(this.incomingByNode.get(id) ?? [])]) {
          const other = edge.sourceId === id ? edge.targetId : edge.sourceId;
          if (other === node.id || reached.has(other)) continue;
          reached.set(other, { node: this.node(other), distance, via: edge });
          next.push(other);
        }
      }
      frontier = next;
    }
    return [...reached.values()];
  }

  /**
   * Attributes the schema declares single-valued (`multiple: false`, the default) that have two or
   * more different normalized values on one node. Nothing is overwritten: every value stays with
   * its evidence, and this says where the sources disagree.
   */
  conflicts(): AttributeConflict[] {
    const conflicts: AttributeConflict[] = [];
    if (!this.schema) return conflicts;
    for (const [nodeId, attributes] of this.attributesByNode) {
      const node = this.node(nodeId);
      const byName = new Map<string, GraphAttribute[]>();
      for (const attribute of attributes) push(byName, attribute.name, attribute);
      for (const [name, values] of byName) {
        const definition = findAttribute(this.schema, node.type, name);
        if (!definition || definition.multiple) continue;
        if (new Set(values.map((value) => value.normalized)).size > 1) conflicts.push({ node, attribute: name, values });
      }
    }
    return conflicts;
  }

  /** Counts by node type, relation, attribute and extractor, and the conflicts. */
  stats(): {
    nodes: number;
    edges: number;
    attributes: number;
    mentions: number;
    nodesByType: Record<string, number>;
    edgesByRelation: Record<string, number>;
    attributesByName: Record<string, number>;
    factsByExtractor: Record<string, number>;
    conflicts: number;
  } {
    const count = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
      return Object.fromEntries(Object.entries(counts).sort((left, right) => right[1] - left[1]));
    };
    const mentions = [...this.mentionsByNode.values()].flat();
    return {
      nodes: this.nodes.length,
      edges: this.edges.length,
      attributes: this.attributes.length,
      mentions: mentions.length,
      nodesByType: count(this.nodes, (node) => node.type),
      edgesByRelation: count(this.edges, (edge) => edge.relation),
      attributesByName: count(this.attributes, (attribute) => attribute.name),
      factsByExtractor: count([...this.attributes, ...this.edges, ...mentions], (row) => row.extractor),
      conflicts: this.conflicts().length,
    };
  }

  /** Resolves provenances to their document, heading path, evidence text and sentence. */
  locate<T extends Provenance>(items: readonly T[]): Array<T & LocatedEvidence> {
    const chunks = this.store.chunksByIds([...new Set(items.map((item) => item.chunkId))]);
    return items.flatMap((item) => {
      const stored = chunks.get(item.chunkId);
      if (!stored) return [];
      const text = stored.chunk.text;
      return [
        {
          ...item,
          documentId: stored.chunk.documentId,
          documentPath: stored.documentPath,
          documentTitle: stored.documentTitle,
          ...(stored.documentRowKey === undefined ? {} : { documentRowKey: stored.documentRowKey }),
          headingPath: stored.chunk.headingPath,
          chunkStart: stored.chunk.start,
          chunkEnd: stored.chunk.end,
          evidence: text.slice(item.start, item.end),
          sentence: sentenceAround(text, item.start, item.end),
        },
      ];
    });
  }
}

const SENTENCE_END = /[。！？!?；;\n]/u;

/** The sentence (ended by 。！？；, a line break, or the text's ends) that holds `[start, end)`. */
export function sentenceAround(text: string, start: number, end: number): string {
  let from = start;
  while (from > 0 && !SENTENCE_END.test(text[from - 1]!)) from--;
  let to = Math.max(end, from);
  while (to < text.length && !SENTENCE_END.test(text[to - 1] ?? '')) to++;
  return text.slice(from, to).replace(/^[\s#>*]+/u, '').trim();
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
