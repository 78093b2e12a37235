import path from 'node:path';
import { defineCommand } from 'citty';
import { exportGraph, GRAPH_EXPORT_FORMATS, openGraph, type GraphExportFormat } from '../../graph/index.js';
import { COMMON_ARGS } from '../_session.js';
import { openGraphSession } from './_graph-session.js';

export default defineCommand({
  meta: { name: 'export', description: 'Write the graph for a graph database or viewer: Neo4j admin-import CSV, GraphML (Gephi), or JSONL — every edge and value with its source' },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    format: { type: 'enum', options: [...GRAPH_EXPORT_FORMATS], description: 'csv (Neo4j: nodes.csv, relationships.csv, attributes.csv) | graphml | jsonl', required: true },
    out: { type: 'string', description: 'Output folder (default graph-<kb>-<format>)' },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { session, terminal, knowledgeBase } = openGraphSession(data, args);
    try {
      const format = args.format as GraphExportFormat;
      const directory = path.resolve(session.cwd, args.out ?? `graph-${args.kb}-${format}`);
      const graph = openGraph(knowledgeBase);
      const files = exportGraph(graph, format, directory);
      if (terminal.json) return terminal.outJson({ knowledgeBase: args.kb, format, files, nodes: graph.nodes.length, edges: graph.edges.length, attributes: graph.attributes.length });
      for (const file of files) terminal.out(`wrote ${file}`);
      if (format === 'csv') terminal.info(`Import into Neo4j: neo4j-admin database import full --nodes=${path.join(directory, 'nodes.csv')} --relationships=${path.join(directory, 'relationships.csv')} <database>`);
    } finally {
      knowledgeBase.close();
    }
  },
});
