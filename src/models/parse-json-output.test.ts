import { describe, expect, it } from 'vitest';
import type { HangjiaError } from '../errors/index.js';
import type { JsonSchema } from './json-schema.js';
import { parseJsonOutput } from './parse-json-output.js';

const CONTEXT = { provider: 'test', modelId: 'scripted', finishReason: 'stop' as const };

describe('parseJsonOutput', () => {
  const schema: JsonSchema = { type: 'object', properties: { n: { type: 'integer' }, items: { type: 'array', items: { type: 'integer' } } } };

  it('parses JSON, also inside a Markdown code fence', () => {
    expect(parseJsonOutput(' {"n": -3, "items": [1, 2]} ', schema, CONTEXT)).toEqual({ n: -3, items: [1, 2] });
    expect(parseJsonOutput('```json\n{"n": 0}\n```', schema, CONTEXT)).toEqual({ n: 0 });
  });

  it('rejects the exponent integers llama.cpp grammars emit, even when their value is whole', () => {
    const error = (() => {
      try {
        parseJsonOutput('{"n": 176e-2, "items": [1, 2E1, 5474747474E4747]}', schema, CONTEXT);
      } catch (caught) {
        return caught as HangjiaError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('E_MODEL_OUTPUT');
    expect(error?.details.problems).toEqual(['/n: expected integer, found 176e-2', '/items/1: expected integer, found 2E1', '/items/2: expected integer, found 5474747474E4747']);
    expect(error?.details.text).toBe('{"n": 176e-2, "items": [1, 2E1, 5474747474E4747]}');
  });

  it.each([
    ['{"n": 1', 'expected "," or "}" at offset 7'],
    ['{"n": 1} trailing', 'expected the end of the JSON value at offset 9'],
    ["{'n': 1}", 'expected a property name in double quotes at offset 1'],
    ['{"n": 01}', 'expected "," or "}" at offset 7'],
  ])('rejects malformed JSON %s with the offset', (text, message) => {
    expect(() => parseJsonOutput(text, schema, CONTEXT)).toThrow(message);
  });

  it('keeps strings, escapes and nested pointers exact', () => {
    const nested: JsonSchema = { type: 'object', properties: { 'a/b': { type: 'object', properties: { n: { type: 'integer' } } } } };
    expect(parseJsonOutput('{"a/b": {"n": 7}, "s": "\\u6cd5\\n\\"x\\""}', nested, CONTEXT)).toEqual({ 'a/b': { n: 7 }, s: '法\n"x"' });
    expect(() => parseJsonOutput('{"a/b": {"n": 7e0}}', nested, CONTEXT)).toThrow('/a~1b/n: expected integer, found 7e0');
  });
});
