import fs from 'node:fs';
import { HangjiaError } from '../../errors/index.js';
import { generateObject, type JsonSchema, type LanguageModel } from '../../models/index.js';
import { STARTER_ACTIONS, type PlanAction } from './plan-action.js';

/** One training question to mine actions from. */
export interface MiningQuestion {
  id: string;
  question: string;
}

/** What the model proposed for one question (a line of the proposals file). */
export interface ActionProposal {
  id: string;
  actions: Array<{ name: string; parameters: string[]; description: string }>;
  usage: { inputTokens: number; outputTokens: number };
}

export interface MiningProgress {
  done: number;
  total: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  /** `inputTokens + outputTokens` priced, when a price was given. */
  estimatedCost?: number;
}

export interface MineActionsOptions {
  model: LanguageModel;
  /** JSONL of proposals, appended as they come; a re-run skips the questions already in it (resume). */
  proposalsFile: string;
  /** An action proposed for fewer questions than this is dropped (default 2). Starter actions are always kept. */
  minFrequency?: number;
  pricePerMillionTokens?: number;
  /** Titles of the knowledge base's documents, shown so proposals can name them (a few dozen at most). */
  documents?: readonly string[];
  onProgress?: (progress: MiningProgress) => void;
  signal?: AbortSignal;
}

export interface MineActionsResult {
  actions: PlanAction[];
  /** Proposals read from an earlier run. */
  resumed: number;
  failed: Array<{ id: string; code: string; message: string }>;
  dropped: Array<{ name: string; frequency: number }>;
  usage: { inputTokens: number; outputTokens: number };
  estimatedCost?: number;
}

const PROPOSAL_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    actions: {
      type: 'array',
      minItems: 1,
      maxItems: 8,
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, parameters: { type: 'array', items: { type: 'string' }, maxItems: 4 }, description: { type: 'string' } },
        required: ['name', 'parameters', 'description'],
        additionalProperties: false,
      },
    },
  },
  required: ['actions'],
  additionalProperties: false,
};

/**
 * Names folded into one action: synonyms models use for the same operation. Keys are normalised
 * names (upper snake case); a name not listed stays itself.
 */
const SYNONYMS: Record<string, string> = {
  SEARCH: 'FIND', RETRIEVE: 'FIND', LOOKUP: 'FIND', FIND_LAW: 'FIND', FIND_INFO: 'FIND', FIND_INFORMATION: 'FIND', SEARCH_LAW: 'FIND',
  FIND_ARTICLES: 'FIND_ARTICLE', SEARCH_ARTICLE: 'FIND_ARTICLE', FIND_LAW_ARTICLE: 'FIND_ARTICLE', FIND_PROVISION: 'FIND_ARTICLE', FIND_STATUTE: 'FIND_ARTICLE',
  GET_LAW_ARTICLE: 'GET_ARTICLE', LOOKUP_ARTICLE: 'GET_ARTICLE', QUOTE_ARTICLE: 'GET_ARTICLE',
  SUMMARISE: 'SUMMARIZE', SUMMARY: 'SUMMARIZE',
  CALCULATE: 'COMPUTE', CALC: 'COMPUTE', COMPUTE_AMOUNT: 'COMPUTE', CALCULATE_AMOUNT: 'COMPUTE',
  CONTRAST: 'COMPARE', DIFF: 'COMPARE',
  APPLY_RULE: 'APPLY', APPLY_LAW: 'APPLY', JUDGE: 'APPLY', DETERMINE: 'APPLY',
  EXTRACT_INFO: 'EXTRACT', IDENTIFY: 'EXTRACT', GET: 'EXTRACT',
  CALCULATE_DEADLINE: 'DEADLINE', COMPUTE_DEADLINE: 'DEADLINE', DATE_ADD: 'DEADLINE',
};

/** `find law article` / `findLawArticle` / `FIND-LAW` → `FIND_LAW_ARTICLE`, then folded through the synonyms. */
export function normalizeActionName(name: string): string {
  const snake = name
    .normalize('NFKC')
    .replace(/\(.*$/u, '')
    .replace(/([a-z])([A-Z])/gu, '$1_$2')
    .replace(/[^A-Za-z0-9]+/gu, '_')
    .replace(/^_+|_+$/gu, '')
    .toUpperCase();
  return SYNONYMS[snake] ?? snake;
}

/**
 * Action mining (PEARL §3.1): for each training question the model proposes the actions needed
 * to answer it (name, arguments, a one-line meaning); proposals are appended to `proposalsFile`
 * as they come, so an interrupted run resumes where it stopped. Then the list is merged and
 * simplified: names normalised and synonyms folded (`SEARCH` → `FIND`), each action's arity and
 * meaning taken from its most frequent proposal, actions proposed for fewer than `minFrequency`
 * questions dropped, and the starter actions kept, each with how often it was proposed. Returns
 * the actions most frequent first.
 */
export async function mineActions(questions: readonly MiningQuestion[], options: MineActionsOptions): Promise<MineActionsResult> {
  const proposals = readProposals(options.proposalsFile);
  const resumed = proposals.size;
  const usage = { inputTokens: 0, outputTokens: 0 };
  for (const proposal of proposals.values()) {
    usage.inputTokens += proposal.usage.inputTokens;
    usage.outputTokens += proposal.usage.outputTokens;
  }
  const price = options.pricePerMillionTokens;
  const cost = (): number | undefined => (price === undefined ? undefined : ((usage.inputTokens + usage.outputTokens) * price) / 1e6);
  const failed: MineActionsResult['failed'] = [];
  const pending = questions.filter((question) => !proposals.has(question.id));
  const starter = STARTER_ACTIONS.map((action) => `- ${action.name}(${action.parameters.join(', ')}): ${action.description}`).join('\n');
  const documents = options.documents?.length ? `\nThe documents include: ${options.documents.slice(0, 40).join('、')}.` : '';
  let done = questions.length - pending.length;
  const report = (): void => {
    const estimatedCost = cost();
    options.onProgress?.({ done, total: questions.length, failed: failed.length, ...usage, ...(estimatedCost === undefined ? {} : { estimatedCost }) });
  };
  report();
  for (const question of pending) {
    options.signal?.throwIfAborted();
    try {
      const result = await generateObject<{ actions: ActionProposal['actions'] }>(options.model, {
        messages: [
          {
            role: 'system',
            content: `List the actions (operations) needed to answer the question from a collection of long documents such as laws, as JSON. Each action: an UPPER_SNAKE_CASE name, its parameter names, and a one-line description. Reuse these when they fit, and add others only where needed:\n${starter}${documents}`,
          },
          { role: 'user', content: question.question },
        ],
        schema: PROPOSAL_SCHEMA,
        temperature: 0,
        maxTokens: 512,
        ...(options.signal ? { abortSignal: options.signal } : {}),
      });
      const proposal: ActionProposal = {
        id: question.id,
        actions: result.object.actions,
        usage: { inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 },
      };
      fs.appendFileSync(options.proposalsFile, `${JSON.stringify(proposal)}\n`);
      proposals.set(question.id, proposal);
      usage.inputTokens += proposal.usage.inputTokens;
      usage.outputTokens += proposal.usage.outputTokens;
      done++;
    } catch (error) {
      if (!HangjiaError.is(error) || options.signal?.aborted) throw error;
      // A question the model fails on (bad JSON twice, a 400) is skipped and named; a re-run retries it.
      failed.push({ id: question.id, code: error.code, message: error.message });
    }
    report();
  }
  const { actions, dropped } = mergeProposals([...proposals.values()], options.minFrequency ?? 2);
  const estimatedCost = cost();
  return { actions, resumed, failed, dropped, usage, ...(estimatedCost === undefined ? {} : { estimatedCost }) };
}

/** Folds proposals into one action list (see {@link mineActions}). */
export function mergeProposals(proposals: readonly ActionProposal[], minFrequency: number): { actions: PlanAction[]; dropped: Array<{ name: string; frequency: number }> } {
  const byName = new Map<string, { questions: Set<string>; variants: Map<string, { parameters: string[]; description: string; count: number }> }>();
  for (const proposal of proposals) {
    for (const proposed of proposal.actions) {
      const name = normalizeActionName(proposed.name);
      if (name === '') continue;
      const entry = byName.get(name) ?? { questions: new Set<string>(), variants: new Map() };
      entry.questions.add(proposal.id);
      const key = String(proposed.parameters.length);
      const variant = entry.variants.get(key) ?? { parameters: proposed.parameters, description: proposed.description, count: 0 };
      variant.count++;
      entry.variants.set(key, variant);
      byName.set(name, entry);
    }
  }
  const starterNames = new Set(STARTER_ACTIONS.map((action) => action.name));
  const actions: PlanAction[] = STARTER_ACTIONS.map((action) => ({ ...action, frequency: byName.get(action.name)?.questions.size ?? 0 }));
  const dropped: Array<{ name: string; frequency: number }> = [];
  for (const [name, entry] of byName) {
    if (starterNames.has(name)) continue;
    const frequency = entry.questions.size;
    if (frequency < minFrequency) {
      dropped.push({ name, frequency });
      continue;
    }
    const best = [...entry.variants.values()].sort((a, b) => b.count - a.count)[0]!;
    actions.push({ name, parameters: best.parameters, description: best.description, kind: name.startsWith('FIND') ? 'search' : 'model', frequency });
  }
  actions.sort((a, b) => (b.frequency ?? 0) - (a.frequency ?? 0) || a.name.localeCompare(b.name));
  return { actions, dropped: dropped.sort((a, b) => b.frequency - a.frequency || a.name.localeCompare(b.name)) };
}

function readProposals(file: string): Map<string, ActionProposal> {
  const proposals = new Map<string, ActionProposal>();
  if (!fs.existsSync(file)) return proposals;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const proposal = JSON.parse(line) as ActionProposal;
      if (typeof proposal.id === 'string' && Array.isArray(proposal.actions)) proposals.set(proposal.id, proposal);
    } catch {
      // A line cut by a kill mid-write: that question is asked again.
    }
  }
  return proposals;
}
