/**
 * @module graph — the knowledge-graph plug-in: schema-first extraction of entities, attributes and
 * relations from a knowledge base's chunks (model-free rules always, a model through
 * `generateObject` when configured), each fact tied to the chunk and span it came from; entity
 * resolution; storage in the knowledge base's SQLite; lookups, neighbourhoods and pattern queries;
 * export to Neo4j CSV, GraphML and JSONL; and facts as cited sources for answers.
 *
 * @example
 * saveGraphSchema(kb.store, SCHEMA_PRESETS.law, 'preset:law');
 * await buildGraph(kb, { model });                 // incremental; resumable
 * queryGraph(kb, '(条款:*)-[引用]->(法律:劳动合同法)');
 * answerQuestion(withGraphFacts(kb), '劳动合同法第十九条规定了什么？', { model });
 */
export { parseGraphSchema, findAttribute, ATTRIBUTE_TYPES, type GraphSchema, type AttributeDefinition, type AttributeType, type EntityTypeDefinition, type RelationTypeDefinition, type SchemaProblem } from './graph-schema.js';
export { SCHEMA_PRESETS, SCHEMA_PRESET_NAMES, type SchemaPresetName } from './schema-presets.js';
export { saveGraphSchema, readGraphSchema, readGraphSchemaText } from './graph-schema-store.js';
export { buildGraph, refreshGraph, estimateModelExtraction, DEFAULT_CONFIRM_ABOVE_CHUNKS, type BuildGraphOptions, type GraphBuildEstimate, type GraphBuildProgress, type GraphBuildResult } from './build-graph.js';
export { openGraph, queryGraph, graphMatchesToRows, hasGraph, type GraphQueryRow } from './open-graph.js';
export { KnowledgeGraph, sentenceAround, type GraphNode, type GraphAttribute, type GraphEdge, type AttributeConflict, type LocatedEvidence, type NodeFacts, type Provenance } from './knowledge-graph.js';
export { parseGraphPattern, matchGraphPattern, type GraphPattern, type GraphMatch, type NodePattern, type EdgePattern, type ComparisonOperator } from './graph-pattern.js';
export { exportGraph, GRAPH_EXPORT_FORMATS, type GraphExportFormat } from './export-graph.js';
export { withGraphFacts, type GraphFactsOptions, type GraphAnsweringKnowledgeBase } from './graph-answer-sources.js';
export { extractRuleFacts, RULES_VERSION, RULE_TYPES, RULE_RELATIONS, RULE_ATTRIBUTES } from './rule-extractors.js';
export { extractFactsWithModel, extractionJsonSchema, groundModelExtraction, locateEvidence, normalizeValue, type ModelExtraction, type ExtractionInput, type ModelExtractionResult } from './model-extraction.js';
export { normalizeEntityName, EntityNames } from './entity-names.js';
export { parseChineseNumber, formatChineseNumber } from './chinese-number.js';
export { resolveOwnDocument } from './own-document.js';
export { OWN_DOCUMENT, type ExtractedFact, type EntityReference, type FactKind, type Extractor, type RejectedFact } from './graph-fact.js';
export { GraphStore, GRAPH_TABLES_VERSION } from './graph-store.js';
