import { defineCommand } from 'citty';
import { graphMatchesToRows, matchGraphPattern, openGraph, parseGraphPattern } from '../../graph/index.js';
import { COMMON_ARGS, numberFlag } from '../_session.js';
import { evidenceLocation } from './_graph-format.js';
import { openGraphSession } from './_graph-session.js';

export default defineCommand({
  meta: {
    name: 'query',
    description: 'Match a path pattern: (类型:名称)-[关系]->(类型:*), <-[关系]- for the other direction, (类型:*.属性 >= 6) to test attributes; each match with its evidence',
  },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    pattern: { type: 'positional', description: 'e.g. "(条款:*)-[引用]->(法律:劳动合同法)"', required: true },
    limit: { type: 'string', description: 'Most matches (default 100)' },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { terminal, knowledgeBase } = openGraphSession(data, args);
    const limit = numberFlag('limit', args.limit, { min: 1, max: 100_000 }) ?? 100;
    try {
      const pattern = parseGraphPattern(args.pattern);
      const graph = openGraph(knowledgeBase);
      const rows = graphMatchesToRows(graph, matchGraphPattern(graph, pattern, { limit }));
      if (terminal.json) return terminal.outJson({ pattern: args.pattern, matches: rows });
      terminal.out(`${rows.length} match${rows.length === 1 ? '' : 'es'}${rows.length === limit ? ` (the first ${limit}; raise --limit)` : ''}`);
      for (const row of rows) {
        terminal.out(row.nodes.map((node) => `(${node.type}:${node.name})`).join(' · '));
        for (const edge of row.edges) terminal.out(`    ${edge.from} —${edge.relation}→ ${edge.to}    ${evidenceLocation(edge.evidence)}`);
        for (const attribute of row.attributes) terminal.out(`    ${attribute.node}.${attribute.name} = ${attribute.value}    ${evidenceLocation(attribute.evidence)}`);
      }
    } finally {
      knowledgeBase.close();
    }
  },
});
