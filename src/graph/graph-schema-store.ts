import type { KnowledgeBaseStore } from '../knowledge-base/index.js';
import { parseGraphSchema, type GraphSchema } from './graph-schema.js';
import { GRAPH_META } from './graph-store.js';

/**
 * Checks a YAML schema and stores it (its text, so `graph schema --print` gives back what was
 * written) as the knowledge base's graph schema. Model facts extracted under another schema are
 * extracted again by the next `graph build`.
 */
export function saveGraphSchema(store: KnowledgeBaseStore, yaml: string, source: string): GraphSchema {
  const schema = parseGraphSchema(yaml, source);
  store.setMeta(GRAPH_META.schema, yaml);
  store.setMeta(GRAPH_META.schemaSource, source);
  return schema;
}

/** The knowledge base's graph schema, if one was set. */
export function readGraphSchema(store: KnowledgeBaseStore): GraphSchema | undefined {
  const yaml = store.getMeta(GRAPH_META.schema);
  return yaml === undefined ? undefined : parseGraphSchema(yaml, store.getMeta(GRAPH_META.schemaSource) ?? 'stored schema');
}

/** The stored schema's YAML text and where it came from. */
export function readGraphSchemaText(store: KnowledgeBaseStore): { yaml: string; source: string } | undefined {
  const yaml = store.getMeta(GRAPH_META.schema);
  return yaml === undefined ? undefined : { yaml, source: store.getMeta(GRAPH_META.schemaSource) ?? 'stored schema' };
}
