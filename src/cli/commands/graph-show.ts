import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { openGraph } from '../../graph/index.js';
import { COMMON_ARGS } from '../_session.js';
import { formatNodeFacts } from './_graph-format.js';
import { openGraphSession } from './_graph-session.js';

export default defineCommand({
  meta: { name: 'show', description: 'Every fact about an entity — attributes, relations, who refers to it — each with its source location and evidence' },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    entity: { type: 'positional', description: 'The entity: a name (《中华人民共和国劳动合同法》, 劳动合同法第十九条) or 类型:名称', required: true },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { terminal, knowledgeBase } = openGraphSession(data, args);
    try {
      const graph = openGraph(knowledgeBase);
      const nodes = graph.findNodes(args.entity);
      if (nodes.length === 0) {
        throw new HangjiaError('E_GRAPH_NOT_FOUND', `No entity "${args.entity}" in the graph of "${args.kb}" (${graph.nodes.length} nodes). List what is there with "hangjia graph query ${args.kb} '(*)'" or "hangjia graph ${args.kb} stats".`, {
          details: { entity: args.entity, knowledgeBase: args.kb },
        });
      }
      if (terminal.json) {
        return terminal.outJson(nodes.map((node) => {
          const facts = graph.facts(node);
          return { node, attributes: graph.locate(facts.attributes), outgoing: graph.locate(facts.outgoing), incoming: graph.locate(facts.incoming), mentions: graph.locate(facts.mentions) };
        }));
      }
      for (const node of nodes) for (const line of formatNodeFacts(graph, graph.facts(node))) terminal.out(line);
    } finally {
      knowledgeBase.close();
    }
  },
});
