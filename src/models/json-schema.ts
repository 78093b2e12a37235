/** The JSON value types a schema can name. */
export type JsonSchemaType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/**
 * The subset of JSON Schema that `generateObject` supports: enough for structured answers and
 * dataset records, and all of it expressible both as an OpenAI `json_schema` response format and
 * as a node-llama-cpp grammar. `validateJsonSchema` rejects any other keyword instead of ignoring it.
 *
 * @example
 * const schema: JsonSchema = {
 *   type: 'object',
 *   properties: { answer: { type: 'string' }, confidence: { type: 'string', enum: ['high', 'low'] } },
 *   required: ['answer', 'confidence'],
 * };
 */
export interface JsonSchema {
  /** One type, or several (`['string', 'null']`). Omitted: any type (only sensible with `enum`). */
  type?: JsonSchemaType | readonly JsonSchemaType[];
  /** Object members and their schemas. */
  properties?: Readonly<Record<string, JsonSchema>>;
  /** Members that must be present. */
  required?: readonly string[];
  /** `false`: members not listed in `properties` are rejected. Default: allowed. */
  additionalProperties?: boolean;
  /** The schema of every array element. */
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  /** The only values allowed, compared with `===`. */
  enum?: readonly (string | number | boolean | null)[];
  /** Documentation only; also shown to models through the endpoint's schema. */
  title?: string;
  description?: string;
}
