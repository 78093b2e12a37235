import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './json-schema.js';
import { assertSupportedJsonSchema, validateJsonSchema } from './validate-json-schema.js';

describe('validateJsonSchema', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      title: { type: 'string' },
      count: { type: 'integer' },
      tags: { type: 'array', items: { type: 'string', enum: ['法律', '合同'] }, maxItems: 2 },
      note: { type: ['string', 'null'] },
    },
    required: ['title', 'count'],
    additionalProperties: false,
  };

  it('accepts a matching value', () => {
    expect(validateJsonSchema({ title: 'x', count: 3, tags: ['法律'], note: null }, schema)).toEqual([]);
  });

  it('lists every violation with its JSON pointer', () => {
    expect(validateJsonSchema({ count: 1.5, tags: ['法律', '股票', '合同'], note: 1, extra: true }, schema)).toEqual([
      '(root): missing required property "title"',
      '/count: expected integer, found 1.5',
      '/tags: expected at most 2 items, found 3',
      '/tags/1: expected one of ["法律","合同"], found "股票"',
      '/note: expected string or null, found 1',
      '(root): unexpected property "extra"',
    ]);
  });

  it('rejects integers written with an exponent when the source text is known', () => {
    const numberSource = (pointer: string): string | undefined => (pointer === '/count' ? '1e2' : undefined);
    expect(validateJsonSchema({ title: 'x', count: 100 }, schema, { numberSource })).toEqual(['/count: expected integer, found 1e2']);
  });

  it('refuses schema keywords outside the supported subset instead of ignoring them', () => {
    expect(() => assertSupportedJsonSchema({ type: 'object', properties: { code: { type: 'string', pattern: '^[0-9]+$' } as JsonSchema } })).toThrow(
      'JSON schema keyword "pattern" at #/properties/code is not supported',
    );
  });
});
