import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { HangjiaError } from '../errors/index.js';

/** How an attribute's value is read and compared. */
export const ATTRIBUTE_TYPES = ['text', 'number', 'amount', 'duration', 'date', 'percent', 'enum'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  /** The unit values are given in (`元`, `mg`, `个月`); documentation for the model and for readers. */
  unit?: string;
  /** The allowed values of an `enum` attribute. */
  values?: string[];
  /** Whether an entity may have several values (default false: two different values are a conflict, reported). */
  multiple: boolean;
  description?: string;
}

export interface EntityTypeDefinition {
  name: string;
  description?: string;
  attributes: AttributeDefinition[];
}

export interface RelationTypeDefinition {
  name: string;
  /** Entity types the relation goes from and to. */
  from: string[];
  to: string[];
  description?: string;
}

/**
 * What a knowledge base's graph holds, written first (schema-first extraction): entity types with
 * typed attributes, relation types between them, and aliases that name the same entity. The
 * model's output format is derived from it (see `extractionJsonSchema`), so it cannot invent a type.
 */
export interface GraphSchema {
  name: string;
  description?: string;
  entityTypes: EntityTypeDefinition[];
  relationTypes: RelationTypeDefinition[];
  /** Per entity type: canonical name → the other names it goes by. */
  aliases: Record<string, Record<string, string[]>>;
  /** Name prefixes dropped when names are compared (default `['中华人民共和国']`). */
  stripPrefixes: string[];
  /**
   * Characters read as others when names are compared, e.g. traditional → simplified
   * (`{ 勞: 劳, 動: 动, 條: 条 }`): hangjia ships no conversion table, so the pairs a collection
   * needs are configured here. Default none.
   */
  foldCharacters: Record<string, string>;
}

/** One problem of a schema file, located. */
export interface SchemaProblem {
  /** 1-based line and column in the file. */
  line: number;
  column: number;
  /** The field, as a path: `entities.药物.attributes[1].type`. */
  field: string;
  message: string;
}

const TOP_LEVEL = ['name', 'description', 'entities', 'relations', 'aliases', 'normalize'];
const ENTITY_KEYS = ['description', 'attributes'];
const ATTRIBUTE_KEYS = ['name', 'type', 'unit', 'values', 'multiple', 'description'];
const RELATION_KEYS = ['name', 'from', 'to', 'description'];

/**
 * Parses and checks a YAML graph schema. Every problem is collected and reported at once in one
 * `E_GRAPH_SCHEMA` error whose message lists `file:line:column field: problem` per problem
 * (`details.problems` holds them as {@link SchemaProblem}s).
 *
 * @example
 * const schema = parseGraphSchema(fs.readFileSync('law.yaml', 'utf8'), 'law.yaml');
 */
export function parseGraphSchema(text: string, source = 'schema'): GraphSchema {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problems: SchemaProblem[] = [];
  const report = (node: YamlNode | null | undefined, field: string, message: string, offset?: number): void => {
    const position = lineCounter.linePos(offset ?? node?.range?.[0] ?? 0);
    problems.push({ line: position.line, column: position.col, field, message });
  };
  for (const error of document.errors) {
    const position = lineCounter.linePos(error.pos[0]);
    problems.push({ line: position.line, column: position.col, field: '(yaml)', message: error.message.split('\n')[0]! });
  }
  if (problems.length > 0) throw schemaError(source, problems);

  const root = document.contents;
  const schema: GraphSchema = { name: '', entityTypes: [], relationTypes: [], aliases: {}, stripPrefixes: ['中华人民共和国'], foldCharacters: {} };
  if (!isMap(root)) {
    report(root, '(top level)', 'must be a mapping with name, entities and relations');
    throw schemaError(source, problems);
  }
  checkKeys(root, TOP_LEVEL, '', report);
  schema.name = requiredString(root, 'name', 'name', report) ?? '';
  const description = optionalString(root, 'description', 'description', report);
  if (description !== undefined) schema.description = description;

  const entities = root.get('entities', true);
  if (!isMap(entities) || entities.items.length === 0) {
    report(entities ?? root, 'entities', 'must be a mapping of entity type names to their definitions, with at least one type');
  } else {
    for (const pair of entities.items) {
      const typeName = scalarString(pair.key);
      const field = `entities.${typeName ?? '?'}`;
      if (!typeName) {
        report(pair.key as YamlNode, field, 'an entity type name must be a non-empty string');
        continue;
      }
      const definition: EntityTypeDefinition = { name: typeName, attributes: [] };
      const value = pair.value as YamlNode | null;
      if (value !== null && !isMap(value)) {
        report(value, field, 'must be a mapping (description, attributes) or empty');
      } else if (value) {
        checkKeys(value, ENTITY_KEYS, field, report);
        const entityDescription = optionalString(value, 'description', `${field}.description`, report);
        if (entityDescription !== undefined) definition.description = entityDescription;
        const attributes = value.get('attributes', true);
        if (attributes !== undefined && !isSeq(attributes)) report(attributes, `${field}.attributes`, 'must be a list of attributes');
        if (isSeq(attributes)) {
          attributes.items.forEach((item, index) => {
            const attributeField = `${field}.attributes[${index}]`;
            const attribute = parseAttribute(item as YamlNode, attributeField, report);
            if (!attribute) return;
            if (definition.attributes.some((other) => other.name === attribute.name)) report(item as YamlNode, `${attributeField}.name`, `attribute "${attribute.name}" is defined twice for ${typeName}`);
            else definition.attributes.push(attribute);
          });
        }
      }
      schema.entityTypes.push(definition);
    }
  }
  const typeNames = new Set(schema.entityTypes.map((type) => type.name));

  const relations = root.get('relations', true);
  if (relations !== undefined && !isSeq(relations)) report(relations, 'relations', 'must be a list of {name, from, to}');
  if (isSeq(relations)) {
    relations.items.forEach((item, index) => {
      const field = `relations[${index}]`;
      if (!isMap(item)) return report(item as YamlNode, field, 'must be a mapping with name, from and to');
      checkKeys(item, RELATION_KEYS, field, report);
      const name = requiredString(item, 'name', `${field}.name`, report);
      const ends = (['from', 'to'] as const).map((end) => {
        const node = item.get(end, true) as YamlNode | undefined;
        const values = isSeq(node) ? node.items.map((entry) => scalarString(entry)) : [scalarString(node)];
        if (node === undefined || values.length === 0 || values.some((entry) => !entry)) {
          report(node ?? item, `${field}.${end}`, 'must name an entity type, or a list of them');
          return [];
        }
        for (const entry of values) if (!typeNames.has(entry!)) report(node, `${field}.${end}`, `"${entry}" is not an entity type of this schema (known: ${[...typeNames].join(', ')})`);
        return values as string[];
      });
      const relationDescription = optionalString(item, 'description', `${field}.description`, report);
      if (name) schema.relationTypes.push({ name, from: ends[0]!, to: ends[1]!, ...(relationDescription === undefined ? {} : { description: relationDescription }) });
    });
  }

  const aliases = root.get('aliases', true);
  if (aliases !== undefined && !isMap(aliases)) report(aliases, 'aliases', 'must map entity types to {canonical name: [other names]}');
  if (isMap(aliases)) {
    for (const pair of aliases.items) {
      const typeName = scalarString(pair.key);
      const field = `aliases.${typeName ?? '?'}`;
      if (!typeName || !typeNames.has(typeName)) {
        report(pair.key as YamlNode, field, `"${typeName ?? ''}" is not an entity type of this schema (known: ${[...typeNames].join(', ')})`);
        continue;
      }
      if (!isMap(pair.value)) {
        report((pair.value as YamlNode | null) ?? (pair.key as YamlNode), field, 'must map a canonical name to the list of its other names');
        continue;
      }
      const names: Record<string, string[]> = {};
      for (const entry of pair.value.items) {
        const canonical = scalarString(entry.key);
        const others = entry.value as YamlNode | null;
        const list = isSeq(others) ? others.items.map((item) => scalarString(item)) : [];
        if (!canonical || !isSeq(others) || list.some((item) => !item)) {
          report(others ?? (entry.key as YamlNode), `${field}.${canonical ?? '?'}`, 'must be a list of names (strings)');
          continue;
        }
        names[canonical] = list as string[];
      }
      schema.aliases[typeName] = names;
    }
  }

  const normalize = root.get('normalize', true);
  if (normalize !== undefined) {
    if (!isMap(normalize)) report(normalize, 'normalize', 'must be a mapping (stripPrefixes, foldCharacters)');
    else {
      checkKeys(normalize, ['stripPrefixes', 'foldCharacters'], 'normalize', report);
      const fold = normalize.get('foldCharacters', true) as YamlNode | undefined;
      if (fold !== undefined) {
        if (!isMap(fold)) report(fold, 'normalize.foldCharacters', 'must map single characters to single characters: { 勞: 劳 }');
        else {
          for (const pair of fold.items) {
            const from = scalarString(pair.key);
            const to = scalarString(pair.value);
            if (!from || !to || [...from].length !== 1 || [...to].length !== 1) report(pair.key as YamlNode, `normalize.foldCharacters.${from ?? '?'}`, 'must map one character to one character');
            else schema.foldCharacters[from] = to;
          }
        }
      }
      const prefixes = normalize.get('stripPrefixes', true) as YamlNode | undefined;
      if (prefixes !== undefined) {
        const list = isSeq(prefixes) ? prefixes.items.map((item) => scalarString(item)) : [undefined];
        if (list.some((item) => !item)) report(prefixes, 'normalize.stripPrefixes', 'must be a list of strings');
        else schema.stripPrefixes = list as string[];
      }
    }
  }
  if (problems.length > 0) throw schemaError(source, problems);
  return schema;
}

function parseAttribute(node: YamlNode, field: string, report: Reporter): AttributeDefinition | undefined {
  if (!isMap(node)) {
    report(node, field, 'must be a mapping with name and type');
    return undefined;
  }
  checkKeys(node, ATTRIBUTE_KEYS, field, report);
  const name = requiredString(node, 'name', `${field}.name`, report);
  const type = requiredString(node, 'type', `${field}.type`, report);
  if (type !== undefined && !(ATTRIBUTE_TYPES as readonly string[]).includes(type)) {
    report(node.get('type', true) as YamlNode, `${field}.type`, `"${type}" is not an attribute type; use one of ${ATTRIBUTE_TYPES.join(', ')}`);
    return undefined;
  }
  const unit = optionalString(node, 'unit', `${field}.unit`, report);
  const description = optionalString(node, 'description', `${field}.description`, report);
  const multipleNode = node.get('multiple', true) as YamlNode | undefined;
  if (multipleNode !== undefined && !(isScalar(multipleNode) && typeof multipleNode.value === 'boolean')) report(multipleNode, `${field}.multiple`, 'must be true or false');
  const valuesNode = node.get('values', true) as YamlNode | undefined;
  let values: string[] | undefined;
  if (valuesNode !== undefined) {
    const list = isSeq(valuesNode) ? valuesNode.items.map((item) => scalarString(item)) : [];
    if (list.length === 0 || list.some((item) => !item)) report(valuesNode, `${field}.values`, 'must be a non-empty list of strings');
    else values = list as string[];
  }
  if (type === 'enum' && values === undefined && valuesNode === undefined) report(node, `${field}.values`, 'an enum attribute needs its values: values: [a, b]');
  if (!name || !type) return undefined;
  return {
    name,
    type: type as AttributeType,
    multiple: isScalar(multipleNode) && multipleNode.value === true,
    ...(unit === undefined ? {} : { unit }),
    ...(values === undefined ? {} : { values }),
    ...(description === undefined ? {} : { description }),
  };
}

type Reporter = (node: YamlNode | null | undefined, field: string, message: string) => void;

function checkKeys(map: YAMLMap, allowed: string[], prefix: string, report: Reporter): void {
  for (const pair of map.items) {
    const key = scalarString(pair.key);
    if (key === undefined || !allowed.includes(key)) {
      report(pair.key as YamlNode, prefix ? `${prefix}.${key ?? '?'}` : (key ?? '?'), `unknown field; expected one of ${allowed.join(', ')}`);
    }
  }
}

function requiredString(map: YAMLMap, key: string, field: string, report: Reporter): string | undefined {
  const node = map.get(key, true) as YamlNode | undefined;
  const value = scalarString(node);
  if (!value) report(node ?? map, field, node === undefined ? 'is required' : 'must be a non-empty string');
  return value;
}

function optionalString(map: YAMLMap, key: string, field: string, report: Reporter): string | undefined {
  const node = map.get(key, true) as YamlNode | undefined;
  if (node === undefined) return undefined;
  const value = scalarString(node);
  if (value === undefined) report(node, field, 'must be a string');
  return value;
}

function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return typeof value === 'number' ? String(value) : undefined;
}

function schemaError(source: string, problems: SchemaProblem[]): HangjiaError {
  const lines = problems.map((problem) => `  ${source}:${problem.line}:${problem.column} ${problem.field}: ${problem.message}`);
  return new HangjiaError('E_GRAPH_SCHEMA', `The graph schema ${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`, {
    details: { path: source, problems },
  });
}

/** The attribute definition of `type.attribute`, if the schema has one. */
export function findAttribute(schema: GraphSchema, type: string, attribute: string): AttributeDefinition | undefined {
  return schema.entityTypes.find((entity) => entity.name === type)?.attributes.find((definition) => definition.name === attribute);
}
