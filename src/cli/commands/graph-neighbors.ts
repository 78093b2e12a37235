import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { openGraph } from '../../graph/index.js';
import { COMMON_ARGS, numberFlag } from '../_session.js';
import { evidenceLocation } from './_graph-format.js';
import { openGraphSession } from './_graph-session.js';

export default defineCommand({
  meta: { name: 'neighbors', description: 'The entities within --depth relations of an entity (either direction), with the relation that reached each and its source' },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    entity: { type: 'positional', description: 'The entity: a name or 类型:名称', required: true },
    depth: { type: 'string', description: 'How many relations away, 1–5 (default 1)' },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { terminal, knowledgeBase } = openGraphSession(data, args);
    const depth = numberFlag('depth', args.depth, { min: 1, max: 5 }) ?? 1;
    try {
      const graph = openGraph(knowledgeBase);
      const nodes = graph.findNodes(args.entity);
      if (nodes.length === 0) {
        throw new HangjiaError('E_GRAPH_NOT_FOUND', `No entity "${args.entity}" in the graph of "${args.kb}".`, { details: { entity: args.entity, knowledgeBase: args.kb } });
      }
      const results = nodes.map((node) => ({ node, neighbors: graph.neighbors(node, depth).map((neighbor) => ({ ...neighbor, via: graph.locate([neighbor.via])[0] })) }));
      if (terminal.json) return terminal.outJson(results);
      for (const { node, neighbors } of results) {
        terminal.out(`${node.type} ${node.name}: ${neighbors.length} within ${depth}`);
        for (const neighbor of neighbors) {
          const via = neighbor.via;
          const arrow = via ? `${graph.node(via.sourceId).name} —${via.relation}→ ${graph.node(via.targetId).name}` : '';
          terminal.out(`  ${neighbor.distance}  ${neighbor.node.type} ${neighbor.node.name}    via ${arrow}`);
          if (via) terminal.out(`       ${evidenceLocation(via)}`);
        }
      }
    } finally {
      knowledgeBase.close();
    }
  },
});
