import type { KnowledgeGraph, LocatedEvidence, NodeFacts } from '../../graph/index.js';
import { snippet, sourceLocation } from '../_format.js';

/** `path  heading › path  chunk <id> chars a–b`: where a fact's evidence is. */
export function evidenceLocation(located: LocatedEvidence): string {
  const heading = located.headingPath.length > 0 ? `  ${located.headingPath.join(' › ')}` : '';
  return `${sourceLocation(located)}${heading}  (chunk ${located.chunkId}, chars ${located.start}–${located.end}, ${located.extractor})`;
}

/** A node's facts as lines: attributes, outgoing and incoming relations, mentions, each with its source. */
export function formatNodeFacts(graph: KnowledgeGraph, facts: NodeFacts): string[] {
  const lines = [`${facts.node.type} ${facts.node.name}${facts.node.names.length > 1 ? `  (also: ${facts.node.names.filter((name) => name !== facts.node.name).join(', ')})` : ''}`];
  const conflicts = new Set(graph.conflicts().filter((conflict) => conflict.node.id === facts.node.id).map((conflict) => conflict.attribute));
  const block = (title: string, rows: Array<{ text: string; located: LocatedEvidence }>): void => {
    if (rows.length === 0) return;
    lines.push(`  ${title}:`);
    for (const row of rows) {
      lines.push(`    ${row.text}`);
      lines.push(`      ${evidenceLocation(row.located)}`);
      lines.push(`      “${snippet(row.located.sentence, 120)}”`);
    }
  };
  block('attributes', graph.locate(facts.attributes).map((attribute) => ({
    text: `${attribute.name} = ${attribute.value}${attribute.normalized !== attribute.value ? `  [${attribute.normalized}]` : ''}${conflicts.has(attribute.name) ? '  (conflict: this single-valued attribute has other values here)' : ''}`,
    located: attribute,
  })));
  block('relations', graph.locate(facts.outgoing).map((edge) => ({ text: `—${edge.relation}→ ${edge.target.type} ${edge.target.name}`, located: edge })));
  block('referenced by', graph.locate(facts.incoming).map((edge) => ({ text: `${edge.source.type} ${edge.source.name} —${edge.relation}→`, located: edge })));
  block('mentioned', graph.locate(facts.mentions).map((mention) => ({ text: 'mention', located: mention })));
  if (lines.length === 1) lines.push('  (no facts)');
  return lines;
}
