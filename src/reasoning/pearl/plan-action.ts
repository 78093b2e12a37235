/**
 * How a plan step runs: `search` (the knowledge base, restricted to the document named by the
 * first argument when there are two or more), `lookup` (exact 第X条 of a law), `calculate` (exact
 * arithmetic, falling back to the model for what is not arithmetic), `date` (date + period), or
 * `model` (one model call given the action's meaning and the arguments).
 */
export type ActionKind = 'search' | 'lookup' | 'calculate' | 'date' | 'model';

/** An action a plan may use: `NAME(parameter, …)`, its one-line meaning, and how often mining proposed it. */
export interface PlanAction {
  /** Upper snake case: `FIND_ARTICLE`. */
  name: string;
  /** Parameter names; the arity a call must have. */
  parameters: string[];
  /** One line: what the action does. */
  description: string;
  kind: ActionKind;
  /** Times mining proposed it (absent for the starter set). */
  frequency?: number;
}

/**
 * The starter set, so that PEARL runs before any mining: finding (in the whole knowledge base, in
 * one document, one exact article), the model actions of the PEARL paper that legal questions
 * need, and exact arithmetic and dates.
 */
export const STARTER_ACTIONS: readonly PlanAction[] = [
  { name: 'FIND', parameters: ['topic'], description: 'Search the whole knowledge base for passages about topic.', kind: 'search' },
  { name: 'FIND_ARTICLE', parameters: ['law', 'topic'], description: 'Search only the document (law) titled law for passages about topic.', kind: 'search' },
  { name: 'GET_ARTICLE', parameters: ['law', 'article'], description: 'The exact text of one article (第X条) of a law.', kind: 'lookup' },
  { name: 'SUMMARIZE', parameters: ['x'], description: 'Summarize x in a few sentences, keeping its [n] markers.', kind: 'model' },
  { name: 'EXTRACT', parameters: ['x', 'what'], description: 'Extract from x what is asked (an amount, a deadline, a condition), with its [n].', kind: 'model' },
  { name: 'COMPARE', parameters: ['x', 'y'], description: 'Compare x and y: what agrees, what differs, which applies.', kind: 'model' },
  { name: 'APPLY', parameters: ['rule', 'facts'], description: 'Apply the rule to the facts of the question and state the consequence.', kind: 'model' },
  { name: 'COMPUTE', parameters: ['expression'], description: 'Compute an arithmetic expression exactly, e.g. "3000*2".', kind: 'calculate' },
  { name: 'DEADLINE', parameters: ['date', 'amount', 'unit'], description: 'The last day of a period: date plus amount day|month|year.', kind: 'date' },
];
