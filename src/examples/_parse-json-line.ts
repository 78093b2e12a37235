const NON_FINITE = /-?(?:NaN|Infinity)/y;

/**
 * `JSON.parse`, but also accepting the bare `NaN`, `Infinity` and `-Infinity` that Python's
 * `json.dumps` writes for missing numbers (pandas exports are full of them), read as `null`.
 * Outside strings JSON has no other bare words than true, false and null, so the rewrite cannot
 * touch real content. Strict JSON takes the fast path; when even the rewrite fails, the
 * original error is thrown.
 */
export function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!text.includes('NaN') && !text.includes('Infinity')) throw error;
    try {
      return JSON.parse(replaceNonFiniteLiterals(text));
    } catch {
      throw error;
    }
  }
}

function replaceNonFiniteLiterals(text: string): string {
  let result = '';
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (inString) {
      if (character === '\\') {
        result += character + (text[index + 1] ?? '');
        index += 1;
        continue;
      }
      if (character === '"') inString = false;
      result += character;
      continue;
    }
    if (character === '"') {
      inString = true;
      result += character;
      continue;
    }
    NON_FINITE.lastIndex = index;
    const match = NON_FINITE.exec(text);
    if (match !== null) {
      result += 'null';
      index += match[0].length - 1;
      continue;
    }
    result += character;
  }
  return result;
}
