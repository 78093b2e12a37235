import { HangjiaError } from '../errors/index.js';
import { EntityNames } from './entity-names.js';
import type { GraphAttribute, GraphEdge, GraphNode, KnowledgeGraph } from './knowledge-graph.js';

/**
 * The graph query language: a path of node patterns joined by edge patterns, read left to right.
 *
 * ```
 * pattern   := node ( edge node )*
 * node      := "(" [ type ":" ] ( name | "*" ) [ "." attribute [ op value ] ] ")"
 * edge      := "-[" [ relation ] "]->"      an edge from the left node to the right one
 *            | "<-[" [ relation ] "]-"      an edge from the right node to the left one
 * op        := "=" | "!=" | "~" (contains) | "<" | "<=" | ">" | ">="
 * ```
 *
 * A name matches as `graph show` does (aliases, 《》, full-width forms, 第十九条 = 第19条); `*` or
 * an empty name matches any node (of the type, if given); an empty relation any relation. An
 * attribute test keeps nodes that have the attribute (with a value passing `op value`; `<` and the
 * like compare the leading numbers of normalized values, so `期限 <= 6` holds for `6 month`, and
 * `=` compares the normalized value or the value as written). Names cannot contain `(`, `)` or `[`.
 *
 * @example
 * (条款:*)-[引用]->(法律:劳动合同法)      articles that cite the 劳动合同法
 * (药物:阿莫西林)-[禁忌]->(*)              what amoxicillin is contraindicated with
 * (产品:*.费率 < 1)                        products with a fee rate under 1 %
 * (法律:个人信息保护法)<-[引用]-(*)<-[引用]-(*)   two hops of citations back
 */
export interface GraphPattern {
  nodes: NodePattern[];
  edges: EdgePattern[];
}

export interface NodePattern {
  type?: string;
  /** Undefined: any name. */
  name?: string;
  attribute?: { name: string; op?: ComparisonOperator; value?: string };
}

export interface EdgePattern {
  relation?: string;
  direction: 'out' | 'in';
}

export type ComparisonOperator = '=' | '!=' | '~' | '<' | '<=' | '>' | '>=';

/** One match: the nodes along the path, the edges between them, and each node's matching attribute values. */
export interface GraphMatch {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Per node of the path, the attribute values its pattern tested (empty when it tested none). */
  attributes: GraphAttribute[][];
}

const TOKEN = /\s*(?:\(([^()[\]]*)\)|(<-\[([^\]]*)\]-)|(-\[([^\]]*)\]->))\s*/gy;
const ATTRIBUTE_TEST = /^(.*?)\.([^.=!~<>]+?)\s*(?:(!=|<=|>=|=|~|<|>)\s*(.+))?$/u;

/** Parses a pattern; `E_GRAPH_QUERY` names the position of the first thing it cannot read. */
export function parseGraphPattern(text: string): GraphPattern {
  const pattern: GraphPattern = { nodes: [], edges: [] };
  TOKEN.lastIndex = 0;
  let expectNode = true;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) {
      if (text.slice(at).trim() === '') break;
      throw patternError(text, at, expectNode ? 'a node like (类型:名称) or (*)' : 'an edge like -[关系]-> or <-[关系]-');
    }
    if (match[1] !== undefined) {
      if (!expectNode) throw patternError(text, at, 'an edge between two nodes');
      pattern.nodes.push(parseNode(match[1]));
    } else {
      if (expectNode) throw patternError(text, at, 'a node before the edge');
      const relation = (match[3] ?? match[5] ?? '').trim();
      pattern.edges.push({ direction: match[2] ? 'in' : 'out', ...(relation === '' || relation === '*' ? {} : { relation }) });
    }
    expectNode = !expectNode;
  }
  if (pattern.nodes.length === 0 || expectNode) throw patternError(text, text.length, 'a node at the end');
  return pattern;
}

function parseNode(body: string): NodePattern {
  let rest = body.trim();
  const node: NodePattern = {};
  const test = ATTRIBUTE_TEST.exec(rest);
  if (test) {
    rest = test[1]!.trim();
    node.attribute = { name: test[2]!.trim(), ...(test[3] ? { op: test[3] as ComparisonOperator, value: test[4]!.trim() } : {}) };
  }
  const typed = /^([^:：]*)[:：](.*)$/u.exec(rest);
  if (typed) {
    if (typed[1]!.trim() !== '') node.type = typed[1]!.trim();
    rest = typed[2]!.trim();
  }
  if (rest !== '' && rest !== '*') node.name = rest;
  return node;
}

function patternError(text: string, at: number, expected: string): HangjiaError {
  return new HangjiaError('E_GRAPH_QUERY', `Cannot read the graph query at character ${at + 1}: expected ${expected}; found "${text.slice(at, at + 20) || 'the end'}". Example: (条款:*)-[引用]->(法律:劳动合同法)`, {
    details: { query: text, position: at },
  });
}

/** Runs a pattern on a graph; at most `limit` matches (default 100), in node order. */
export function matchGraphPattern(graph: KnowledgeGraph, pattern: GraphPattern, options: { limit?: number } = {}): GraphMatch[] {
  const limit = options.limit ?? 100;
  const names = new EntityNames(graph.schema);
  const matchesNode = (node: GraphNode, spec: NodePattern): GraphAttribute[] | undefined => {
    if (spec.type !== undefined && node.type !== spec.type) return undefined;
    if (spec.name !== undefined) {
      const keys = new Set([names.normalize(spec.name), names.resolve(node.type, spec.name).key]);
      if (!keys.has(node.key)) return undefined;
    }
    if (!spec.attribute) return [];
    const { name, op, value } = spec.attribute;
    const values = graph.facts(node).attributes.filter((attribute) => attribute.name === name && (op === undefined || compare(attribute, op, value ?? '')));
    return values.length > 0 ? values : undefined;
  };
  const results: GraphMatch[] = [];
  const extend = (match: GraphMatch): void => {
    if (results.length >= limit) return;
    const step = match.nodes.length - 1;
    if (step === pattern.edges.length) {
      results.push(match);
      return;
    }
    const edgeSpec = pattern.edges[step]!;
    const last = match.nodes[step]!;
    const facts = graph.facts(last);
    const candidates = edgeSpec.direction === 'out'
      ? facts.outgoing.map((edge) => ({ edge, next: edge.target }))
      : facts.incoming.map((edge) => ({ edge, next: edge.source }));
    for (const { edge, next } of candidates) {
      if (edgeSpec.relation !== undefined && edge.relation !== edgeSpec.relation) continue;
      if (match.edges.some((seen) => sameEdge(seen, edge))) continue;
      const attributes = matchesNode(next, pattern.nodes[step + 1]!);
      if (!attributes) continue;
      const { nodes, edges, attributes: tested } = match;
      extend({ nodes: [...nodes, next], edges: [...edges, stripTarget(edge)], attributes: [...tested, attributes] });
    }
  };
  for (const node of graph.nodes) {
    const attributes = matchesNode(node, pattern.nodes[0]!);
    if (attributes) extend({ nodes: [node], edges: [], attributes: [attributes] });
    if (results.length >= limit) break;
  }
  return results;
}

function sameEdge(left: GraphEdge, right: GraphEdge): boolean {
  return left.sourceId === right.sourceId && left.targetId === right.targetId && left.relation === right.relation && left.chunkId === right.chunkId && left.start === right.start;
}

function stripTarget(edge: GraphEdge & { target?: GraphNode; source?: GraphNode }): GraphEdge {
  const { target: _target, source: _source, ...plain } = edge;
  return plain;
}

function compare(attribute: GraphAttribute, op: ComparisonOperator, wanted: string): boolean {
  const plain = wanted.normalize('NFKC').trim().toLowerCase();
  if (op === '=') return attribute.normalized === plain || attribute.value.normalize('NFKC').toLowerCase() === plain;
  if (op === '!=') return attribute.normalized !== plain && attribute.value.normalize('NFKC').toLowerCase() !== plain;
  if (op === '~') return attribute.normalized.includes(plain) || attribute.value.normalize('NFKC').toLowerCase().includes(plain);
  const have = Number.parseFloat(attribute.normalized);
  const want = Number.parseFloat(plain);
  if (!Number.isFinite(have) || !Number.isFinite(want)) return false;
  return op === '<' ? have < want : op === '<=' ? have <= want : op === '>' ? have > want : have >= want;
}
