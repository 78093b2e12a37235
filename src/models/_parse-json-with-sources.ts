import { escapePointer } from './_json-pointer.js';

/**
 * `JSON.parse` that also keeps the source text of every number, keyed by JSON pointer. Node 20's
 * `JSON.parse` reviver does not expose source text, and the value alone cannot tell `2` from
 * `2e0`; `validateJsonSchema` needs the text to reject exponent integers. Strict JSON (RFC 8259):
 * throws `SyntaxError` with the offset on anything else. Duplicate keys: the last one wins, as in
 * `JSON.parse`.
 */
export function parseJsonWithSources(text: string): { value: unknown; numberSources: Map<string, string> } {
  const numberSources = new Map<string, string>();
  let position = 0;

  const fail = (expected: string): never => {
    const found = position < text.length ? JSON.stringify(text.slice(position, position + 12)) : 'the end of the text';
    throw new SyntaxError(`expected ${expected} at offset ${position}, found ${found}`);
  };
  const skipWhitespace = (): void => {
    while (position < text.length && ' \t\n\r'.includes(text[position] ?? '')) position++;
  };
  const readLiteral = (pattern: RegExp, expected: string): string => {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) return fail(expected);
    position += match[0].length;
    return match[0];
  };

  const parseValue = (pointer: string): unknown => {
    skipWhitespace();
    const character = text[position];
    if (character === '{') {
      position++;
      const object: Record<string, unknown> = {};
      skipWhitespace();
      if (text[position] === '}') {
        position++;
        return object;
      }
      for (;;) {
        skipWhitespace();
        const key = JSON.parse(readLiteral(STRING, 'a property name in double quotes')) as string;
        skipWhitespace();
        if (text[position++] !== ':') {
          position--;
          fail('":"');
        }
        object[key] = parseValue(`${pointer}/${escapePointer(key)}`);
        skipWhitespace();
        const separator = text[position++];
        if (separator === '}') return object;
        if (separator !== ',') {
          position--;
          fail('"," or "}"');
        }
      }
    }
    if (character === '[') {
      position++;
      const array: unknown[] = [];
      skipWhitespace();
      if (text[position] === ']') {
        position++;
        return array;
      }
      for (;;) {
        array.push(parseValue(`${pointer}/${array.length}`));
        skipWhitespace();
        const separator = text[position++];
        if (separator === ']') return array;
        if (separator !== ',') {
          position--;
          fail('"," or "]"');
        }
      }
    }
    if (character === '"') return JSON.parse(readLiteral(STRING, 'a string')) as string;
    if (character === '-' || (character !== undefined && character >= '0' && character <= '9')) {
      const source = readLiteral(NUMBER, 'a number');
      numberSources.set(pointer, source);
      return Number(source);
    }
    return JSON.parse(readLiteral(KEYWORD, 'a JSON value')) as boolean | null;
  };

  const value = parseValue('');
  skipWhitespace();
  if (position < text.length) fail('the end of the JSON value');
  return { value, numberSources };
}

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const KEYWORD = /true|false|null/y;
