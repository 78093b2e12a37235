import { defineCommand } from 'citty';
import { GraphStore, openGraph, readGraphSchemaText } from '../../graph/index.js';
import { COMMON_ARGS } from '../_session.js';
import { openGraphSession } from './_graph-session.js';

export default defineCommand({
  meta: { name: 'stats', description: 'What the knowledge graph holds: nodes by type, relations, attributes, facts by extractor, conflicts, rejected model facts by reason, tokens spent' },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { terminal, knowledgeBase } = openGraphSession(data, args);
    try {
      const graph = openGraph(knowledgeBase);
      const graphStore = new GraphStore(knowledgeBase.store);
      const stats = graph.stats();
      const conflicts = graph.conflicts().map((conflict) => ({
        node: `${conflict.node.type} ${conflict.node.name}`,
        attribute: conflict.attribute,
        values: graph.locate(conflict.values).map((value) => ({ value: value.value, documentPath: value.documentPath, chunkId: value.chunkId, start: value.start, end: value.end })),
      }));
      const schema = readGraphSchemaText(knowledgeBase.store);
      const result = { knowledgeBase: args.kb, schema: schema?.source ?? null, ...stats, conflicts, rejected: graphStore.rejectionCounts(), modelUsage: graphStore.modelUsage() };
      if (terminal.json) return terminal.outJson(result);
      const list = (counts: Record<string, number>): string => Object.entries(counts).map(([name, count]) => `${name} ${count}`).join(', ') || 'none';
      terminal.out(`graph of "${args.kb}"  schema: ${schema?.source ?? 'none (model-free extractors only)'}`);
      terminal.out(`nodes       ${stats.nodes}  (${list(stats.nodesByType)})`);
      terminal.out(`edges       ${stats.edges}  (${list(stats.edgesByRelation)})`);
      terminal.out(`attributes  ${stats.attributes}  (${list(stats.attributesByName)})`);
      terminal.out(`mentions    ${stats.mentions}`);
      terminal.out(`facts by    ${list(stats.factsByExtractor)}`);
      terminal.out(`model       ${result.modelUsage.inputTokens} input + ${result.modelUsage.outputTokens} output tokens spent`);
      terminal.out(`rejected    ${result.rejected.map((row) => `${row.reason} ${row.count}`).join('; ') || 'none'}`);
      terminal.out(`conflicts   ${conflicts.length}`);
      for (const conflict of conflicts) {
        terminal.out(`  ${conflict.node} ${conflict.attribute}: ${conflict.values.map((value) => `${value.value} (${value.documentPath}, chunk ${value.chunkId} ${value.start}–${value.end})`).join(' vs ')}`);
      }
    } finally {
      knowledgeBase.close();
    }
  },
});
