import { describe, expect, it } from 'vitest';
import { STARTER_ACTIONS } from './plan-action.js';
import { formatPlanErrors, parsePlan, validatePlan } from './plan-language.js';

const check = (text: string) => validatePlan(parsePlan(text), STARTER_ACTIONS, { maxSteps: 8 });

describe('the plan language', () => {
  it('parses steps with strings in any quotes, numbers and variables, skipping prose, comments and fences', () => {
    const plan = parsePlan(['Here is the plan:', '```', '1. laws = FIND_ARTICLE("民法典", “押金 返还”)', '# the amount', '2. amount = COMPUTE(「3000*2」)', '3、 last = DEADLINE("2024-03-01", 15, \'day\')', '4. answer = APPLY(laws, question)', '```'].join('\n'));
    expect(plan.errors).toEqual([]);
    expect(plan.steps.map((step) => [step.number, step.variable, step.action, step.line])).toEqual([
      [1, 'laws', 'FIND_ARTICLE', 3],
      [2, 'amount', 'COMPUTE', 5],
      [3, 'last', 'DEADLINE', 6],
      [4, 'answer', 'APPLY', 7],
    ]);
    expect(plan.steps[0]!.arguments).toEqual([
      { type: 'string', value: '民法典', column: 24 },
      { type: 'string', value: '押金 返还', column: 31 },
    ]);
    expect(plan.steps[2]!.arguments.map((argument) => (argument.type === 'variable' ? argument.name : argument.value))).toEqual(['2024-03-01', 15, 'day']);
    expect(validatePlan(plan, STARTER_ACTIONS, { maxSteps: 8 })).toEqual([]);
  });

  it('reports syntax errors with line and column', () => {
    expect(check('1. x = FIND("押金)\n2 y FIND("a")\n3. z = FIND("a") extra')).toEqual([
      { line: 1, column: 13, message: 'the string starting here is not closed with "' },
      { line: 2, column: 1, message: 'expected `n. variable = ACTION(arguments)`' },
      { line: 3, column: 18, message: 'unexpected "extra" after the step' },
    ]);
    expect(check('no plan here')).toEqual([{ line: 1, column: 1, message: 'the plan has no steps (lines like `1. x = FIND("…")`)' }]);
  });

  it('finds unknown actions, wrong arity, unbound and rebound variables, numbering gaps and cycles, at their positions', () => {
    const errors = check(['1. a = LOOKUP_LAW("民法典")', '2. b = COMPARE(a)', '3. c = SUMMARIZE(missing)', '5. a = SUMMARIZE(b)', '5. d = SUMMARIZE(e)', '6. e = SUMMARIZE(d)', '7. f = SUMMARIZE(f)'].join('\n'));
    expect(formatPlanErrors(errors)).toBe(
      [
        'line 1, column 8: unknown action LOOKUP_LAW; known actions: FIND, FIND_ARTICLE, GET_ARTICLE, SUMMARIZE, EXTRACT, COMPARE, APPLY, COMPUTE, DEADLINE',
        'line 2, column 8: COMPARE takes 2 arguments (x, y), got 1',
        'line 3, column 18: variable "missing" is not bound by any step (quote it if it is text)',
        'line 4, column 1: step number 5 should be 4',
        'line 4, column 1: variable "a" is already bound on line 1',
        'line 5, column 18: cycle: "e" depends on this step\'s own output "d"',
        'line 7, column 18: cycle: "f" depends on this step\'s own output "f"',
      ].join('\n'),
    );
  });

  it('tells a forward reference that is no cycle from one that is', () => {
    expect(check('1. a = SUMMARIZE(b)\n2. b = FIND("押金")')).toEqual([{ line: 1, column: 18, message: 'variable "b" is used before step 2 binds it' }]);
  });

  it('limits the number of steps', () => {
    const long = Array.from({ length: 4 }, (_, index) => `${index + 1}. s${index} = FIND("a")`).join('\n');
    expect(validatePlan(parsePlan(long), STARTER_ACTIONS, { maxSteps: 3 })).toEqual([{ line: 4, column: 1, message: 'the plan has 4 steps; at most 3 are allowed' }]);
  });
});
