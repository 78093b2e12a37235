import { HangjiaError } from '../errors/index.js';
import type { JsonSchema, JsonSchemaType } from './json-schema.js';
import { escapePointer } from './_json-pointer.js';

const SUPPORTED_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'enum', 'title', 'description']);

/**
 * Throws `E_SCHEMA_UNSUPPORTED` naming the first keyword outside the `JsonSchema` subset and where
 * it sits, so a schema never passes with a constraint silently unchecked.
 */
export function assertSupportedJsonSchema(schema: JsonSchema, path = '#'): void {
  for (const keyword of Object.keys(schema)) {
    if (!SUPPORTED_KEYWORDS.has(keyword)) {
      throw new HangjiaError(
        'E_SCHEMA_UNSUPPORTED',
        `JSON schema keyword "${keyword}" at ${path} is not supported. Supported: ${[...SUPPORTED_KEYWORDS].join(', ')}. ` +
          'Express the constraint with these, or check it yourself after generateObject returns.',
        { details: { keyword, path } },
      );
    }
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) assertSupportedJsonSchema(property, `${path}/properties/${name}`);
  if (schema.items !== undefined) assertSupportedJsonSchema(schema.items, `${path}/items`);
}

export interface ValidateJsonSchemaOptions {
  /**
   * The source text of the number at a JSON pointer, when known (`parseJsonOutput` records it).
   * Lets `integer` reject exponent forms such as `176e-2` or `5E47` that grammar-constrained
   * models emit: their value may even be whole, but the digits are not what the model meant.
   */
  numberSource?: (pointer: string) => string | undefined;
}

/**
 * Checks `value` against `schema` and returns every violation as `"<JSON pointer>: <problem>"`
 * (empty when valid). Pointers follow RFC 6901 ('' is the root, '/items/0/name').
 *
 * @example
 * validateJsonSchema({ n: 1.5 }, { type: 'object', properties: { n: { type: 'integer' } } });
 * // → ['/n: expected integer, found 1.5']
 */
export function validateJsonSchema(value: unknown, schema: JsonSchema, options: ValidateJsonSchemaOptions = {}): string[] {
  const problems: string[] = [];
  visit(value, schema, '', options, problems);
  return problems;
}

function visit(value: unknown, schema: JsonSchema, pointer: string, options: ValidateJsonSchemaOptions, problems: string[]): void {
  const at = pointer === '' ? '(root)' : pointer;
  if (schema.enum !== undefined && !schema.enum.some((allowed) => allowed === value)) {
    problems.push(`${at}: expected one of ${JSON.stringify(schema.enum)}, found ${describe(value)}`);
    return;
  }
  if (schema.type !== undefined) {
    const types: readonly JsonSchemaType[] = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!types.some((type) => hasType(value, type, pointer, options))) {
      problems.push(`${at}: expected ${types.join(' or ')}, found ${describe(value, options.numberSource?.(pointer))}`);
      return;
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at}: expected at least ${schema.minItems} items, found ${value.length}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${at}: expected at most ${schema.maxItems} items, found ${value.length}`);
    if (schema.items !== undefined) {
      for (const [index, item] of value.entries()) visit(item, schema.items, `${pointer}/${index}`, options, problems);
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(record, name)) problems.push(`${at}: missing required property "${name}"`);
  }
  for (const [name, member] of Object.entries(record)) {
    const memberSchema = schema.properties?.[name];
    if (memberSchema !== undefined) visit(member, memberSchema, `${pointer}/${escapePointer(name)}`, options, problems);
    else if (schema.additionalProperties === false) problems.push(`${at}: unexpected property "${name}"`);
  }
}

function hasType(value: unknown, type: JsonSchemaType, pointer: string, options: ValidateJsonSchemaOptions): boolean {
  switch (type) {
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer': {
      const source = options.numberSource?.(pointer);
      return typeof value === 'number' && Number.isSafeInteger(value) && (source === undefined || /^-?\d+$/.test(source));
    }
  }
}

function describe(value: unknown, source?: string): string {
  if (source !== undefined) return source;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

