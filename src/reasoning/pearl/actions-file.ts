import fs from 'node:fs';
import YAML from 'yaml';
import { HangjiaError } from '../../errors/index.js';
import type { ActionKind, PlanAction } from './plan-action.js';

/** A solved plan: a question and the plan that answers it (few-shot material for plan generation). */
export interface PlanExample {
  question: string;
  plan: string;
}

/** `actions.yaml`: the action set a plan may use, and optional plan examples. */
export interface ActionsFile {
  formatVersion: 1;
  actions: PlanAction[];
  examples: PlanExample[];
}

const KINDS: readonly ActionKind[] = ['search', 'lookup', 'calculate', 'date', 'model'];
const NAME = /^[A-Z][A-Z0-9_]*$/u;

/**
 * Reads an actions file (`hangjia pearl mine --out`, or written by hand). Throws `E_ACTIONS`
 * naming the file and the entry for anything malformed, so a typo never silently drops an action.
 *
 * @example
 * const { actions, examples } = readActionsFile('actions.yaml');
 */
export function readActionsFile(file: string): ActionsFile {
  let parsed: unknown;
  try {
    parsed = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new HangjiaError('E_ACTIONS', `Cannot read the actions file ${file}: ${(cause as Error).message}`, { cause, details: { path: file } });
  }
  const bad = (where: string, problem: string): never => {
    throw new HangjiaError('E_ACTIONS', `${file}: ${where} ${problem}`, { details: { path: file, entry: where } });
  };
  const root = (typeof parsed === 'object' && parsed !== null ? parsed : bad('the file', 'must be a mapping with "actions"')) as Record<string, unknown>;
  if (!Array.isArray(root['actions']) || root['actions'].length === 0) bad('"actions"', 'must be a non-empty list');
  const actions = (root['actions'] as unknown[]).map((raw, index): PlanAction => {
    const where = `actions[${index}]`;
    const entry = (typeof raw === 'object' && raw !== null ? raw : bad(where, 'must be a mapping')) as Record<string, unknown>;
    const name = entry['name'];
    if (typeof name !== 'string' || !NAME.test(name)) bad(where, `name must be UPPER_SNAKE_CASE; got ${JSON.stringify(name)}`);
    const parameters = entry['parameters'] ?? [];
    if (!Array.isArray(parameters) || !parameters.every((parameter) => typeof parameter === 'string')) bad(where, 'parameters must be a list of names');
    const kind = entry['kind'] ?? 'model';
    if (!KINDS.includes(kind as ActionKind)) bad(where, `kind must be one of ${KINDS.join(', ')}; got ${JSON.stringify(kind)}`);
    const frequency = entry['frequency'];
    return {
      name: name as string,
      parameters: parameters as string[],
      description: typeof entry['description'] === 'string' ? entry['description'] : '',
      kind: kind as ActionKind,
      ...(typeof frequency === 'number' ? { frequency } : {}),
    };
  });
  const examples = ((root['examples'] as unknown[] | undefined) ?? []).map((raw, index): PlanExample => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    if (typeof entry['question'] !== 'string' || typeof entry['plan'] !== 'string') bad(`examples[${index}]`, 'needs a question and a plan (strings)');
    return { question: entry['question'] as string, plan: entry['plan'] as string };
  });
  return { formatVersion: 1, actions, examples };
}

/** Writes an actions file atomically (a temporary file renamed), so an interrupted write leaves the old one. */
export function writeActionsFile(file: string, content: Omit<ActionsFile, 'formatVersion'>): void {
  const text = YAML.stringify({ formatVersion: 1, actions: content.actions, ...(content.examples.length > 0 ? { examples: content.examples } : {}) }, { lineWidth: 0 });
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
