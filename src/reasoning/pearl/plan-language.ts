import type { PlanAction } from './plan-action.js';

/** One argument of a step: a quoted string, a number, or a variable bound by an earlier step (or `question`). */
export type PlanArgument = { type: 'string'; value: string; column: number } | { type: 'number'; value: number; column: number } | { type: 'variable'; name: string; column: number };

/** `n. variable = ACTION(arguments)` */
export interface PlanStep {
  /** The number written before the dot. */
  number: number;
  variable: string;
  action: string;
  arguments: PlanArgument[];
  /** 1-based line in the plan text, and column of the action name. */
  line: number;
  column: number;
}

/** A problem with a plan, at a 1-based line and column. */
export interface PlanError {
  line: number;
  column: number;
  message: string;
}

export interface ParsedPlan {
  steps: PlanStep[];
  errors: PlanError[];
}

/** The variable every plan may read: the user's question. */
export const QUESTION_VARIABLE = 'question';

const STEP = /^\s*(\d+)\s*[.、)]\s*([\p{L}_][\p{L}\p{N}_]*)\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/u;
const QUOTES: Record<string, string> = { '"': '"', '“': '”', '「': '」', "'": "'" };

/**
 * Parses a plan of the plan language (docs/design.md, "PEARL"): one step per line,
 *
 * ```
 * 1. laws = FIND_ARTICLE("民法典", "押金 返还")
 * 2. amount = COMPUTE("3000*2")
 * 3. answer = APPLY(laws, question)
 * ```
 *
 * a step number, a variable bound to the step's output, `=`, an action and its arguments (quoted
 * strings — "…", “…”, 「…」 or '…' —, numbers, or variables). Blank lines, lines starting with `#`,
 * and prose the model writes around the plan (lines that do not start with a number) are skipped;
 * a code fence is unwrapped. Syntax errors are reported with their line and column, with the
 * steps that did parse.
 */
export function parsePlan(text: string): ParsedPlan {
  const steps: PlanStep[] = [];
  const errors: PlanError[] = [];
  const lines = text.split(/\r?\n/u);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('```') || !/^\d/u.test(trimmed)) continue;
    const match = STEP.exec(raw);
    if (match === null) {
      errors.push({ line, column: raw.length - raw.trimStart().length + 1, message: 'expected `n. variable = ACTION(arguments)`' });
      continue;
    }
    const action = match[3]!;
    const column = raw.indexOf(action, raw.indexOf('=')) + 1;
    const parsed = parseArguments(raw, match[0].length);
    if ('error' in parsed) {
      errors.push({ line, column: parsed.column, message: parsed.error });
      continue;
    }
    steps.push({ number: Number(match[1]), variable: match[2]!, action, arguments: parsed.arguments, line, column });
  }
  if (steps.length === 0 && errors.length === 0) errors.push({ line: 1, column: 1, message: 'the plan has no steps (lines like `1. x = FIND("…")`)' });
  return { steps, errors };
}

function parseArguments(raw: string, start: number): { arguments: PlanArgument[] } | { error: string; column: number } {
  const args: PlanArgument[] = [];
  let position = start;
  const skip = (): void => {
    while (position < raw.length && /\s/u.test(raw[position]!)) position++;
  };
  skip();
  if (raw[position] === ')') return finish(raw, position + 1, args);
  for (;;) {
    skip();
    const column = position + 1;
    const character = raw[position];
    if (character === undefined) return { error: 'the argument list is not closed with ")"', column };
    const close = QUOTES[character];
    if (close !== undefined) {
      const end = raw.indexOf(close, position + 1);
      if (end < 0) return { error: `the string starting here is not closed with ${close}`, column };
      args.push({ type: 'string', value: raw.slice(position + 1, end), column });
      position = end + 1;
    } else {
      const word = /^-?\d+(?:\.\d+)?|^[\p{L}_][\p{L}\p{N}_]*/u.exec(raw.slice(position));
      if (word === null) return { error: `unexpected "${character}" where an argument was expected (a quoted string, a number or a variable)`, column };
      args.push(/^-?\d/u.test(word[0]) ? { type: 'number', value: Number(word[0]), column } : { type: 'variable', name: word[0], column });
      position += word[0].length;
    }
    skip();
    if (raw[position] === ',' || raw[position] === '，') {
      position++;
      continue;
    }
    if (raw[position] === ')') return finish(raw, position + 1, args);
    return { error: raw[position] === undefined ? 'the argument list is not closed with ")"' : `expected "," or ")" but found "${raw[position]}"`, column: position + 1 };
  }
}

function finish(raw: string, position: number, args: PlanArgument[]): { arguments: PlanArgument[] } | { error: string; column: number } {
  const rest = raw.slice(position).trim();
  return rest === '' || rest.startsWith('#') ? { arguments: args } : { error: `unexpected "${rest}" after the step`, column: raw.indexOf(rest, position) + 1 };
}

/**
 * Checks a parsed plan against the actions: step numbers run 1, 2, 3…; every action is known and
 * called with its arity; every variable a step reads is `question` or bound by an earlier step;
 * no variable is bound twice; no step reads its own output or a later one's (a cycle when that
 * later step reads this one, back through its inputs). Returns every error with its position,
 * after the syntax errors; empty for a valid plan.
 */
export function validatePlan(plan: ParsedPlan, actions: readonly PlanAction[], limits: { maxSteps: number }): PlanError[] {
  const errors = [...plan.errors];
  const byName = new Map(actions.map((action) => [action.name, action]));
  const definedAt = new Map<string, PlanStep>();
  for (const step of plan.steps) if (!definedAt.has(step.variable)) definedAt.set(step.variable, step);
  if (plan.steps.length > limits.maxSteps) {
    errors.push({ line: plan.steps[limits.maxSteps]!.line, column: 1, message: `the plan has ${plan.steps.length} steps; at most ${limits.maxSteps} are allowed` });
  }
  const reads = (step: PlanStep): string[] => step.arguments.flatMap((argument) => (argument.type === 'variable' ? [argument.name] : []));
  const reaches = (from: PlanStep, target: string, seen = new Set<string>()): boolean =>
    reads(from).some((name) => {
      if (name === target) return true;
      const next = definedAt.get(name);
      if (next === undefined || seen.has(name)) return false;
      seen.add(name);
      return reaches(next, target, seen);
    });
  for (const [index, step] of plan.steps.entries()) {
    if (step.number !== index + 1) errors.push({ line: step.line, column: 1, message: `step number ${step.number} should be ${index + 1}` });
    if (step.variable === QUESTION_VARIABLE) errors.push({ line: step.line, column: 1, message: `"${QUESTION_VARIABLE}" is the question; bind the output to another name` });
    else if (definedAt.get(step.variable) !== step) errors.push({ line: step.line, column: 1, message: `variable "${step.variable}" is already bound on line ${definedAt.get(step.variable)!.line}` });
    const action = byName.get(step.action);
    if (action === undefined) {
      errors.push({ line: step.line, column: step.column, message: `unknown action ${step.action}; known actions: ${actions.map((known) => known.name).join(', ')}` });
    } else if (action.parameters.length !== step.arguments.length) {
      errors.push({
        line: step.line,
        column: step.column,
        message: `${action.name} takes ${action.parameters.length} argument${action.parameters.length === 1 ? '' : 's'} (${action.parameters.join(', ')}), got ${step.arguments.length}`,
      });
    }
    for (const argument of step.arguments) {
      if (argument.type !== 'variable' || argument.name === QUESTION_VARIABLE) continue;
      const definition = definedAt.get(argument.name);
      if (definition === undefined) {
        errors.push({ line: step.line, column: argument.column, message: `variable "${argument.name}" is not bound by any step (quote it if it is text)` });
      } else if (definition.line >= step.line) {
        const cycle = definition === step || reaches(definition, step.variable);
        errors.push({
          line: step.line,
          column: argument.column,
          message: cycle ? `cycle: "${argument.name}" depends on this step's own output "${step.variable}"` : `variable "${argument.name}" is used before step ${definition.number} binds it`,
        });
      }
    }
  }
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Errors as quoted back to the model for repair: `line 2, column 10: …`. */
export function formatPlanErrors(errors: readonly PlanError[]): string {
  return errors.map((error) => `line ${error.line}, column ${error.column}: ${error.message}`).join('\n');
}
