import fs from 'node:fs';
import path from 'node:path';
import { HangjiaError } from '../errors/index.js';
import type { GraphAttribute, KnowledgeGraph, LocatedEvidence } from './knowledge-graph.js';

export const GRAPH_EXPORT_FORMATS = ['csv', 'graphml', 'jsonl'] as const;
export type GraphExportFormat = (typeof GRAPH_EXPORT_FORMATS)[number];

/**
 * Writes the graph for other tools, into `directory`:
 *
 * - `csv`: `nodes.csv` and `relationships.csv` with Neo4j admin-import headers (`id:ID`, `:LABEL`,
 *   `:START_ID`, `:END_ID`, `:TYPE`, typed `:int` columns), ready for
 *   `neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv`;
 *   each node's attributes ride along as a JSON string, and `attributes.csv` lists them one per row
 *   with provenance;
 * - `graphml`: `graph.graphml` (GraphML 1.0, directed, declared keys; Gephi shows `label`);
 * - `jsonl`: `graph.jsonl`, one node, attribute or edge per line, each with its evidence located.
 *
 * Every edge and attribute keeps its provenance: chunk id, evidence span, document path, evidence text.
 * Returns the files written.
 */
export function exportGraph(graph: KnowledgeGraph, format: GraphExportFormat, directory: string): string[] {
  fs.mkdirSync(directory, { recursive: true });
  const edges = graph.locate(graph.edges);
  const attributes = graph.locate(graph.attributes);
  const attributesByNode = new Map<number, Array<GraphAttribute & LocatedEvidence>>();
  for (const attribute of attributes) {
    const list = attributesByNode.get(attribute.nodeId);
    if (list) list.push(attribute);
    else attributesByNode.set(attribute.nodeId, [attribute]);
  }
  const attributeSummary = (nodeId: number): string =>
    JSON.stringify((attributesByNode.get(nodeId) ?? []).map((attribute) => ({ name: attribute.name, value: attribute.value, normalized: attribute.normalized, chunkId: attribute.chunkId })));
  const write = (name: string, text: string): string => {
    const file = path.join(directory, name);
    const temporary = `${file}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
    return file;
  };

  if (format === 'csv') {
    const nodes = [['nodeId:ID', 'name', 'type', 'key', 'names:string[]', 'attributes', ':LABEL']];
    for (const node of graph.nodes) nodes.push([`n${node.id}`, node.name, node.type, node.key, node.names.join(';'), attributeSummary(node.id), node.type]);
    const relationships = [[':START_ID', ':END_ID', ':TYPE', 'extractor', 'chunkId', 'evidenceStart:int', 'evidenceEnd:int', 'documentPath', 'evidence']];
    for (const edge of edges) relationships.push([`n${edge.sourceId}`, `n${edge.targetId}`, edge.relation, edge.extractor, edge.chunkId, String(edge.start), String(edge.end), edge.documentPath, edge.evidence]);
    const attributeRows = [['nodeId', 'node', 'type', 'attribute', 'value', 'normalized', 'unit', 'extractor', 'chunkId', 'evidenceStart', 'evidenceEnd', 'documentPath', 'evidence']];
    for (const attribute of attributes) {
      const node = graph.node(attribute.nodeId);
      attributeRows.push([`n${node.id}`, node.name, node.type, attribute.name, attribute.value, attribute.normalized, attribute.unit ?? '', attribute.extractor, attribute.chunkId, String(attribute.start), String(attribute.end), attribute.documentPath, attribute.evidence]);
    }
    return [write('nodes.csv', toCsv(nodes)), write('relationships.csv', toCsv(relationships)), write('attributes.csv', toCsv(attributeRows))];
  }

  if (format === 'graphml') {
    const keys: Array<[string, 'node' | 'edge', string]> = [
      ['label', 'node', 'label'],
      ['type', 'node', 'type'],
      ['names', 'node', 'names'],
      ['attributes', 'node', 'attributes'],
      ['relation', 'edge', 'relation'],
      ['extractor', 'edge', 'extractor'],
      ['chunk', 'edge', 'chunkId'],
      ['document', 'edge', 'documentPath'],
      ['evidence', 'edge', 'evidence'],
    ];
    const lines = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
      ...keys.map(([id, domain, name]) => `  <key id="${id}" for="${domain}" attr.name="${name}" attr.type="string"/>`),
      '  <graph id="G" edgedefault="directed">',
    ];
    const data = (key: string, value: string): string => `<data key="${key}">${escapeXml(value)}</data>`;
    for (const node of graph.nodes) {
      lines.push(`    <node id="n${node.id}">${data('label', node.name)}${data('type', node.type)}${data('names', node.names.join(';'))}${data('attributes', attributeSummary(node.id))}</node>`);
    }
    edges.forEach((edge, index) => {
      lines.push(
        `    <edge id="e${index + 1}" source="n${edge.sourceId}" target="n${edge.targetId}">${data('relation', edge.relation)}${data('extractor', edge.extractor)}${data('chunk', edge.chunkId)}${data('document', edge.documentPath)}${data('evidence', edge.evidence)}</edge>`,
      );
    });
    lines.push('  </graph>', '</graphml>', '');
    return [write('graph.graphml', lines.join('\n'))];
  }

  if (format === 'jsonl') {
    const lines: string[] = [];
    const provenance = (located: LocatedEvidence) => ({ extractor: located.extractor, chunkId: located.chunkId, start: located.start, end: located.end, documentPath: located.documentPath, evidence: located.evidence });
    for (const node of graph.nodes) lines.push(JSON.stringify({ kind: 'node', id: `n${node.id}`, type: node.type, name: node.name, key: node.key, names: node.names }));
    for (const attribute of attributes) lines.push(JSON.stringify({ kind: 'attribute', node: `n${attribute.nodeId}`, name: attribute.name, value: attribute.value, normalized: attribute.normalized, ...(attribute.unit ? { unit: attribute.unit } : {}), ...provenance(attribute) }));
    for (const edge of edges) lines.push(JSON.stringify({ kind: 'edge', source: `n${edge.sourceId}`, relation: edge.relation, target: `n${edge.targetId}`, ...provenance(edge) }));
    return [write('graph.jsonl', lines.map((line) => `${line}\n`).join(''))];
  }
  throw new HangjiaError('E_USAGE', `Unknown graph export format "${String(format)}"; use one of ${GRAPH_EXPORT_FORMATS.join(', ')}.`, { details: { format } });
}

function toCsv(rows: string[][]): string {
  return rows.map((row) => row.map((field) => `"${field.replace(/"/gu, '""')}"`).join(',')).join('\n') + '\n';
}

function escapeXml(value: string): string {
  // Characters XML 1.0 forbids (control characters other than tab and line breaks) are dropped.
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/gu, '').replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;');
}
