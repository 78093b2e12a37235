import { generateObject, type JsonSchema, type LanguageModel, type LanguageModelUsage } from '../models/index.js';
import type { TextSpan } from '../chunking/index.js';
import type { ExtractedFact, RejectedFact } from './graph-fact.js';
import { findAttribute, type AttributeType, type GraphSchema } from './graph-schema.js';
import { extractRuleFacts } from './rule-extractors.js';

/** What the model answers per chunk: the shape {@link extractionJsonSchema} describes. */
export interface ModelExtraction {
  entities: Array<{ type: string; name: string; evidence: string }>;
  attributes: Array<{ entityType: string; entity: string; attribute: string; value: string; evidence: string }>;
  relations: Array<{ relation: string; fromType: string; from: string; toType: string; to: string; evidence: string }>;
}

/**
 * The JSON schema the model's reply must match, derived from the graph schema: types, attribute
 * and relation names are enums, so an endpoint with structured output (or a llama.cpp grammar)
 * cannot produce a type the schema lacks. Which attribute belongs to which type, and which types a
 * relation joins, JSON schema cannot say without `oneOf`; those are checked after parsing.
 * Every fact carries `evidence`: a verbatim quote of the chunk.
 */
export function extractionJsonSchema(schema: GraphSchema): JsonSchema {
  const typeNames = schema.entityTypes.map((type) => type.name);
  const attributeNames = [...new Set(schema.entityTypes.flatMap((type) => type.attributes.map((attribute) => attribute.name)))];
  const relationNames = [...new Set(schema.relationTypes.map((relation) => relation.name))];
  const text = { type: 'string' } as const;
  const list = (properties: Record<string, JsonSchema>, usable: boolean): JsonSchema => ({
    type: 'array',
    ...(usable ? {} : { maxItems: 0 }),
    items: { type: 'object', properties, required: Object.keys(properties), additionalProperties: false },
  });
  const oneOf = (values: string[]): JsonSchema => (values.length > 0 ? { type: 'string', enum: values } : text);
  return {
    type: 'object',
    additionalProperties: false,
    required: ['entities', 'attributes', 'relations'],
    properties: {
      entities: list({ type: oneOf(typeNames), name: text, evidence: text }, true),
      attributes: list({ entityType: oneOf(typeNames), entity: text, attribute: oneOf(attributeNames), value: text, evidence: text }, attributeNames.length > 0),
      relations: list({ relation: oneOf(relationNames), fromType: oneOf(typeNames), from: text, toType: oneOf(typeNames), to: text, evidence: text }, relationNames.length > 0),
    },
  };
}

/** The chunk as the model sees it. */
export interface ExtractionInput {
  text: string;
  documentTitle: string;
  headingPath: readonly string[];
}

/**
 * The extraction prompt: the schema in words, the chunk with its place, and the rules (only what
 * the text states; names as written; `evidence` copied verbatim, since it is checked).
 */
export function extractionMessages(schema: GraphSchema, input: ExtractionInput): Array<{ role: 'system' | 'user'; content: string }> {
  const types = schema.entityTypes.map((type) => {
    const attributes = type.attributes.map((attribute) => `${attribute.name}（${attribute.type}${attribute.unit ? `，单位 ${attribute.unit}` : ''}${attribute.values ? `：${attribute.values.join('/')}` : ''}）`);
    return `- ${type.name}${type.description ? `：${type.description}` : ''}${attributes.length ? `；属性：${attributes.join('、')}` : ''}`;
  });
  const relations = schema.relationTypes.map((relation) => `- ${relation.name}：${relation.from.join('/')} → ${relation.to.join('/')}${relation.description ? `（${relation.description}）` : ''}`);
  const system = [
    '你是知识抽取器。从给定文本中抽取实体、属性和关系，只抽取文本明确陈述的事实，不推测、不补充常识。',
    'Extract only facts the text states. Use names as written in the text.',
    `实体类型：\n${types.join('\n')}`,
    relations.length ? `关系类型：\n${relations.join('\n')}` : '',
    '每条事实的 evidence 必须是原文中连续的一段，逐字复制（不改写、不省略），并包含该事实的名称或取值；找不到依据的事实不要输出。没有事实时返回空数组。',
  ].filter(Boolean);
  const place = [input.documentTitle, ...input.headingPath.filter((heading) => heading !== input.documentTitle)].join(' › ');
  return [
    { role: 'system', content: system.join('\n\n') },
    { role: 'user', content: `出处：${place}\n\n文本：\n${input.text}` },
  ];
}

/** What one chunk's model extraction gave: the kept facts, the rejected ones with reasons, and the call's tokens. */
export interface ModelExtractionResult {
  facts: ExtractedFact[];
  rejected: RejectedFact[];
  usage: LanguageModelUsage;
}

/**
 * Asks the model for the facts of one chunk (through `generateObject`: structured output on
 * endpoints, a JSON-schema grammar for local GGUF models) and keeps only grounded ones — see
 * {@link groundModelExtraction}. A reply that does not match the schema throws `E_MODEL_OUTPUT`
 * (its usage in `details.usage`), for the caller to count.
 */
export async function extractFactsWithModel(
  model: LanguageModel,
  schema: GraphSchema,
  input: ExtractionInput,
  options: { temperature?: number; maxTokens?: number; signal?: AbortSignal } = {},
): Promise<ModelExtractionResult> {
  const result = await generateObject<ModelExtraction>(model, {
    messages: extractionMessages(schema, input),
    schema: extractionJsonSchema(schema),
    schemaName: 'graph_facts',
    temperature: options.temperature ?? 0,
    maxTokens: options.maxTokens ?? 2048,
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });
  return { ...groundModelExtraction(schema, input.text, result.object), usage: result.usage };
}

/**
 * Grounding: a proposed fact is kept only when its evidence is found in the chunk (verbatim, else
 * after NFKC and without white space) and states it — the entity's name, or the attribute's value
 * (as written, or the same quantity: 6个月 for 六个月) occurs in the evidence — and when the
 * schema allows it (the attribute belongs to the type; the relation joins these types; an enum
 * value is one of the listed). Everything else is rejected with the reason.
 */
export function groundModelExtraction(schema: GraphSchema, text: string, extraction: ModelExtraction): { facts: ExtractedFact[]; rejected: RejectedFact[] } {
  const facts: ExtractedFact[] = [];
  const rejected: RejectedFact[] = [];
  const typeNames = new Set(schema.entityTypes.map((type) => type.name));
  const ground = (fact: { evidence: string }, mustContain: string[]): TextSpan | string => {
    const span = locateEvidence(text, fact.evidence);
    if (!span) return `evidence not found in the chunk: "${clip(fact.evidence)}"`;
    const evidence = text.slice(span.start, span.end);
    const missing = mustContain.find((needle) => !containsNormalized(evidence, needle) && !sameQuantity(evidence, needle));
    return missing === undefined ? span : `"${clip(missing)}" does not occur in its evidence "${clip(evidence)}"`;
  };
  for (const entity of extraction.entities) {
    if (!typeNames.has(entity.type)) rejected.push({ reason: `unknown entity type "${entity.type}"`, fact: entity });
    else if (entity.name.trim() === '') rejected.push({ reason: 'empty entity name', fact: entity });
    else {
      const span = ground(entity, [entity.name]);
      if (typeof span === 'string') rejected.push({ reason: span, fact: entity });
      else facts.push({ kind: 'entity', subject: { type: entity.type, name: entity.name.trim() }, evidence: span });
    }
  }
  for (const attribute of extraction.attributes) {
    const definition = findAttribute(schema, attribute.entityType, attribute.attribute);
    if (!definition) rejected.push({ reason: `attribute "${attribute.attribute}" is not defined for entity type "${attribute.entityType}"`, fact: attribute });
    else if (attribute.entity.trim() === '' || attribute.value.trim() === '') rejected.push({ reason: 'empty entity name or value', fact: attribute });
    else if (definition.values && !definition.values.includes(attribute.value.trim())) rejected.push({ reason: `"${attribute.value}" is not one of ${definition.values.join(', ')} (${attribute.entityType}.${attribute.attribute})`, fact: attribute });
    else {
      const span = ground(attribute, [attribute.value]);
      if (typeof span === 'string') rejected.push({ reason: span, fact: attribute });
      else {
        facts.push({
          kind: 'attribute',
          subject: { type: attribute.entityType, name: attribute.entity.trim() },
          predicate: attribute.attribute,
          value: attribute.value.trim(),
          normalized: normalizeValue(attribute.value, definition.type),
          ...(definition.unit ? { unit: definition.unit } : {}),
          evidence: span,
        });
      }
    }
  }
  for (const relation of extraction.relations) {
    const definitions = schema.relationTypes.filter((definition) => definition.name === relation.relation);
    if (definitions.length === 0) rejected.push({ reason: `unknown relation "${relation.relation}"`, fact: relation });
    else if (!definitions.some((definition) => definition.from.includes(relation.fromType) && definition.to.includes(relation.toType))) {
      rejected.push({ reason: `relation "${relation.relation}" does not go from ${relation.fromType} to ${relation.toType} (schema: ${definitions.map((definition) => `${definition.from.join('/')} → ${definition.to.join('/')}`).join('; ')})`, fact: relation });
    } else if (relation.from.trim() === '' || relation.to.trim() === '') rejected.push({ reason: 'empty entity name', fact: relation });
    else {
      const span = ground(relation, []);
      if (typeof span === 'string') rejected.push({ reason: span, fact: relation });
      else facts.push({ kind: 'relation', subject: { type: relation.fromType, name: relation.from.trim() }, predicate: relation.relation, object: { type: relation.toType, name: relation.to.trim() }, evidence: span });
    }
  }
  return { facts, rejected };
}

/**
 * Where `quote` sits in `text`: verbatim first; else comparing NFKC forms without white space
 * (a model may turn full-width digits half-width or drop a line break), mapped back to offsets in
 * `text`. Undefined when it is not there.
 */
export function locateEvidence(text: string, quote: string): TextSpan | undefined {
  const trimmed = quote.trim();
  if (trimmed === '') return undefined;
  const exact = text.indexOf(trimmed);
  if (exact >= 0) return { start: exact, end: exact + trimmed.length };
  const folded = fold(text);
  const needle = fold(trimmed).text;
  if (needle === '') return undefined;
  const at = folded.text.indexOf(needle);
  if (at < 0) return undefined;
  return { start: folded.offsets[at]!, end: folded.offsets[at + needle.length - 1]! + 1 };
}

/** `text` in NFKC, lower case, without white space, with each folded character's offset in the original. */
function fold(text: string): { text: string; offsets: number[] } {
  let folded = '';
  const offsets: number[] = [];
  let offset = 0;
  for (const character of text) {
    for (const piece of character.normalize('NFKC').toLowerCase()) {
      if (/\s/u.test(piece)) continue;
      folded += piece;
      for (let unit = 0; unit < piece.length; unit++) offsets.push(offset);
    }
    offset += character.length;
  }
  return { text: folded, offsets };
}

function containsNormalized(haystack: string, needle: string): boolean {
  return fold(haystack).text.includes(fold(needle).text);
}

/** Whether `value` is a quantity (amount, duration, date, percentage) that `evidence` also states, however written. */
function sameQuantity(evidence: string, value: string): boolean {
  const wanted = new Set(extractRuleFacts(value).flatMap((fact) => (fact.normalized ? [fact.normalized] : [])));
  if (wanted.size === 0) return false;
  return extractRuleFacts(evidence).some((fact) => fact.normalized !== undefined && wanted.has(fact.normalized));
}

/** A comparable form of an attribute value, by its type (two values conflict when these differ). */
export function normalizeValue(value: string, type: AttributeType): string {
  const plain = value.normalize('NFKC').trim();
  if (type === 'amount' || type === 'duration' || type === 'date' || type === 'percent') {
    const quantity = extractRuleFacts(plain).find((fact) => fact.kind === 'attribute' && fact.normalized !== undefined);
    if (quantity?.normalized) return quantity.normalized;
  }
  if (type === 'number') {
    const number = Number(plain.replace(/[,\s]/gu, '').replace(/[^\d.+-eE].*$/u, ''));
    if (Number.isFinite(number)) return String(number);
  }
  return plain.replace(/\s+/gu, ' ').toLowerCase();
}

function clip(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
