import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { articleLabel, articleNumber, normalizeLawTitle } from './article-number.js';
import { calculateExpression } from './calculate-expression.js';
import { addToDate, dateDifference } from './legal-dates.js';
import { createHttpTools } from './http-tool.js';

describe('calculateExpression', () => {
  it('computes exactly on decimals, with precedence, parentheses, unary minus and per cent', () => {
    expect(calculateExpression('0.1 + 0.2').value).toBe('0.3');
    expect(calculateExpression('3000*2 + 3000*0.1').value).toBe('6300');
    expect(calculateExpression('(3000 - 500) * 2').value).toBe('5000');
    expect(calculateExpression('-2 * -3').value).toBe('6');
    expect(calculateExpression('3,000 × 2 ÷ 4').value).toBe('1500');
    expect(calculateExpression('６０００×３０%').value).toBe('1800');
    expect(calculateExpression('1/8').value).toBe('0.125');
  });

  it('rounds a non-terminating quotient to 10 places and says so', () => {
    expect(calculateExpression('10/3')).toEqual({ expression: '10/3', value: '3.3333333333', exact: false });
    expect(calculateExpression('-2/3').value).toBe('-0.6666666667');
  });

  it('names the position of what it cannot read, and refuses division by zero and code', () => {
    const failure = (expression: string): string => {
      try {
        calculateExpression(expression);
      } catch (error) {
        expect(HangjiaError.is(error, 'E_CALCULATE')).toBe(true);
        return (error as HangjiaError).message;
      }
      throw new Error('expected a failure');
    };
    expect(failure('1/(2-2)')).toBe('Cannot calculate "1/(2-2)": division by zero at position 3.');
    expect(failure('2 * (3 + 4')).toBe('Cannot calculate "2 * (3 + 4": expected ")" at position 11.');
    expect(failure('process.exit(1)')).toBe('Cannot calculate "process.exit(1)": unexpected "p" at position 1.');
    expect(failure('')).toContain('the expression is empty');
  });
});

describe('legal dates', () => {
  it('adds days, and months or years ending on the same day or the month end (民法典第二百零一条)', () => {
    expect(addToDate('2024-03-01', 15, 'day').date).toBe('2024-03-16');
    expect(addToDate('2024-01-31', 1, 'month').date).toBe('2024-02-29');
    expect(addToDate('2023-01-31', 1, 'month').date).toBe('2023-02-28');
    expect(addToDate('2024-02-29', 1, 'year').date).toBe('2025-02-28');
    expect(addToDate('2024年3月1日', 6, 'month').date).toBe('2024-09-01');
  });

  it('counts days, whole months and years between dates', () => {
    expect(dateDifference('2024-01-15', '2024-04-14')).toEqual({ days: 90, months: 2, years: 0 });
    expect(dateDifference('2024-01-15', '2024-04-15')).toEqual({ days: 91, months: 3, years: 0 });
    expect(dateDifference('2021-06-30', '2024-06-30')).toEqual({ days: 1096, months: 36, years: 3 });
    expect(dateDifference('2024-04-15', '2024-01-15')).toEqual({ days: -91, months: -3, years: 0 });
  });

  it('rejects an impossible date, naming it', () => {
    expect(() => addToDate('2023-02-30', 1, 'day')).toThrow('date must be a date like 2024-03-31 (or 2024年3月31日); got "2023-02-30".');
  });
});

describe('article numbers and law titles', () => {
  it('reads Chinese and digit numerals', () => {
    expect(articleNumber('第四十七条')).toBe(47);
    expect(articleNumber('第十条')).toBe(10);
    expect(articleNumber('第一百一十条')).toBe(110);
    expect(articleNumber('第一百零二条')).toBe(102);
    expect(articleNumber('第一千二百六十条')).toBe(1260);
    expect(articleNumber('第１２条')).toBe(12);
    expect(articleNumber('19')).toBe(19);
    expect(articleNumber('第X条')).toBeUndefined();
    expect(articleLabel('消费者权益保护法第四十七条')).toBe('第四十七条');
    expect(articleLabel('第十条之一')).toBe('第十条之一');
  });

  it('normalises titles without 《》, spaces and the 中华人民共和国 prefix', () => {
    expect(normalizeLawTitle('《中华人民共和国 民法典》')).toBe('民法典');
    expect(normalizeLawTitle('劳动合同法.md')).toBe('劳动合同法');
  });
});

describe('createHttpTools', () => {
  const spec = { name: 'court_fee', description: 'Court fee', parameters: { type: 'object', properties: { amount: { type: 'number' } } }, url: 'http://127.0.0.1:9/fee' };
  it('accepts loopback and allow-listed hosts, and refuses others and bad names by setting', () => {
    expect(createHttpTools([spec]).map((tool) => tool.definition.name)).toEqual(['court_fee']);
    expect(createHttpTools([{ ...spec, url: 'https://tools.example.org/fee' }], { allowedHosts: ['tools.example.org'] })).toHaveLength(1);
    expect(() => createHttpTools([{ ...spec, url: 'https://evil.example.com/x' }])).toThrow('reasoning.tools[0]: host "evil.example.com" is neither loopback nor listed in reasoning.allowedHosts');
    expect(() => createHttpTools([{ ...spec, name: 'bad name' }])).toThrow('reasoning.tools[0]: name must match');
    expect(() => createHttpTools([spec], { reservedNames: ['court_fee'] })).toThrow('the name "court_fee" is already taken');
  });
});
