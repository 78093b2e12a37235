import { HangjiaError } from '../../errors/index.js';

/** An exact rational number: numerator / denominator, denominator > 0, in lowest terms. */
interface Rational {
  numerator: bigint;
  denominator: bigint;
}

/** The result of {@link calculateExpression}: `value` as decimal text, and whether it had to be rounded. */
export interface Calculation {
  expression: string;
  /** Exact decimal when the result terminates (`6500`, `0.125`), else rounded to `fractionDigits` places. */
  value: string;
  exact: boolean;
}

const DEFAULT_FRACTION_DIGITS = 10;

/**
 * Evaluates arithmetic exactly, without `eval`: a recursive-descent parser over decimal numbers,
 * `+ - * / ( )`, unary minus and a trailing `%` (per cent), computed on rationals of `bigint`s so
 * that 0.1 + 0.2 is 0.3 and 3000 × 2 ÷ 3 is 2000. Full-width digits and operators (`３０００×２`,
 * `（…）`, `÷`) and thousands separators (`3,000`) are accepted. Throws `E_CALCULATE` naming the
 * position of the first error (division by zero included).
 *
 * Grammar: expression = term (('+' | '-') term)*; term = factor (('*' | '/') factor)*;
 * factor = '-' factor | number '%'? | '(' expression ')' '%'?.
 *
 * @example
 * calculateExpression('3000*2 + 3000*0.1') // → { expression: '3000*2 + 3000*0.1', value: '6300', exact: true }
 */
export function calculateExpression(expression: string, options: { fractionDigits?: number } = {}): Calculation {
  const text = expression
    .normalize('NFKC')
    .replace(/[×xX]/gu, '*')
    .replace(/÷/gu, '/')
    .replace(/(\d),(?=\d{3}\b)/gu, '$1');
  let position = 0;
  const fail = (problem: string): never => {
    throw new HangjiaError('E_CALCULATE', `Cannot calculate "${expression}": ${problem} at position ${position + 1}.`, { details: { expression, position: position + 1 } });
  };
  const skipSpaces = (): void => {
    while (position < text.length && /\s/u.test(text[position]!)) position++;
  };
  const peek = (): string | undefined => {
    skipSpaces();
    return text[position];
  };
  const percent = (value: Rational): Rational => {
    if (peek() !== '%') return value;
    position++;
    return divide(value, { numerator: 100n, denominator: 1n });
  };
  const divide = (left: Rational, right: Rational, divisorAt = position): Rational => {
    if (right.numerator === 0n) {
      position = divisorAt;
      fail('division by zero');
    }
    return normalize(left.numerator * right.denominator, left.denominator * right.numerator);
  };

  const parseExpression = (): Rational => {
    let value = parseTerm();
    for (let next = peek(); next === '+' || next === '-'; next = peek()) {
      position++;
      const right = parseTerm();
      value = normalize(
        next === '+' ? value.numerator * right.denominator + right.numerator * value.denominator : value.numerator * right.denominator - right.numerator * value.denominator,
        value.denominator * right.denominator,
      );
    }
    return value;
  };
  const parseTerm = (): Rational => {
    let value = parseFactor();
    for (let next = peek(); next === '*' || next === '/'; next = peek()) {
      position++;
      skipSpaces();
      const divisorAt = position;
      const right = parseFactor();
      value = next === '*' ? normalize(value.numerator * right.numerator, value.denominator * right.denominator) : divide(value, right, divisorAt);
    }
    return value;
  };
  const parseFactor = (): Rational => {
    const next = peek();
    if (next === '-') {
      position++;
      const value = parseFactor();
      return { numerator: -value.numerator, denominator: value.denominator };
    }
    if (next === '+') {
      position++;
      return parseFactor();
    }
    if (next === '(') {
      position++;
      const value = parseExpression();
      if (peek() !== ')') fail('expected ")"');
      position++;
      return percent(value);
    }
    const match = /^\d+(?:\.\d+)?|^\.\d+/u.exec(text.slice(position));
    if (match === null) return fail(next === undefined ? 'the expression ends where a number was expected' : `unexpected "${next}"`);
    position += match[0].length;
    const [whole = '0', fraction = ''] = match[0].split('.');
    return percent(normalize(BigInt(`${whole}${fraction}` || '0'), 10n ** BigInt(fraction.length)));
  };

  if (text.trim() === '') fail('the expression is empty');
  const value = parseExpression();
  if (peek() !== undefined) fail(`unexpected "${peek()}"`);
  return { expression, ...toDecimal(value, options.fractionDigits ?? DEFAULT_FRACTION_DIGITS) };
}

function normalize(numerator: bigint, denominator: bigint): Rational {
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator < 0n ? -numerator : numerator, denominator < 0n ? -denominator : denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Decimal text: exact when the denominator has no prime factor but 2 and 5, else rounded half away from zero. */
function toDecimal(value: Rational, fractionDigits: number): { value: string; exact: boolean } {
  let rest = value.denominator;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) [rest, twos] = [rest / 2n, twos + 1];
  while (rest % 5n === 0n) [rest, fives] = [rest / 5n, fives + 1];
  const exact = rest === 1n;
  const digits = exact ? Math.max(twos, fives) : fractionDigits;
  const scale = 10n ** BigInt(digits);
  const negative = value.numerator < 0n;
  const magnitude = negative ? -value.numerator : value.numerator;
  const scaled = (magnitude * scale * 2n + value.denominator) / (value.denominator * 2n);
  const whole = (scaled / scale).toString();
  const fraction = digits === 0 ? '' : (scaled % scale).toString().padStart(digits, '0').replace(/0+$/u, '');
  const text = `${negative && scaled !== 0n ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
  return { value: text, exact };
}
