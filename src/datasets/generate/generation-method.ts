import type { JsonSchema } from '../../models/index.js';

/**
 * How items are made from a chunk (seed 002, "指令数据构建"):
 * - `self-qa`: questions a reader could ask without the text in hand, answered from the chunk;
 * - `self-instruct`: knowledge-guided self-instruct — seed tasks show the form, the chunk supplies the facts;
 * - `evol`: evol-instruct — an existing instruction rewritten deeper, broader or more concrete, answered from the chunk;
 * - `dialogue`: a multi-turn conversation whose answers come from the chunk.
 */
export type GenerationMethod = 'self-qa' | 'self-instruct' | 'evol' | 'dialogue';

export const GENERATION_METHODS: readonly GenerationMethod[] = ['self-qa', 'self-instruct', 'evol', 'dialogue'];

/** The three evol-instruct rewritings used here (Xu et al. 2023, "WizardLM", in-depth and in-breadth evolving). */
export type EvolOperation = 'deepen' | 'broaden' | 'concretise';

export const EVOL_OPERATIONS: readonly EvolOperation[] = ['deepen', 'broaden', 'concretise'];

/** One generated conversation before it becomes a JSONL line: user/assistant pairs (one pair for single-turn methods). */
export interface GeneratedExchange {
  turns: Array<{ user: string; assistant: string }>;
  /** evol only: the operation applied and the instruction it started from. */
  operation?: EvolOperation;
  evolvedFrom?: string;
}

const text = (description: string): JsonSchema => ({ type: 'string', description });

/**
 * The JSON schema each method's model call must satisfy, for `count` items. Kept flat (objects of
 * strings in one array) so it is expressible both as an OpenAI `json_schema` and as a llama.cpp grammar.
 */
export function generationSchema(method: GenerationMethod, count: number): JsonSchema {
  const list = (item: JsonSchema): JsonSchema => ({
    type: 'object',
    properties: { items: { type: 'array', items: item, minItems: 1, maxItems: Math.max(1, count) } },
    required: ['items'],
    additionalProperties: false,
  });
  switch (method) {
    case 'self-qa':
      return list({ type: 'object', properties: { question: text('a self-contained question'), answer: text('the answer, from the text') }, required: ['question', 'answer'], additionalProperties: false });
    case 'self-instruct':
      return list({
        type: 'object',
        properties: { instruction: text('the task'), input: text('optional input for the task, or ""'), output: text('the answer, from the text') },
        required: ['instruction', 'input', 'output'],
        additionalProperties: false,
      });
    case 'evol':
      return list({
        type: 'object',
        properties: { operation: { type: 'string', enum: [...EVOL_OPERATIONS] }, instruction: text('the rewritten instruction'), output: text('the answer, from the text') },
        required: ['operation', 'instruction', 'output'],
        additionalProperties: false,
      });
    case 'dialogue':
      return list({
        type: 'object',
        properties: {
          turns: {
            type: 'array',
            minItems: 2,
            maxItems: 6,
            items: { type: 'object', properties: { user: text('what the user says'), assistant: text('the reply, from the text') }, required: ['user', 'assistant'], additionalProperties: false },
          },
        },
        required: ['turns'],
        additionalProperties: false,
      });
  }
}

/** The raw model object for each method, as validated by `generationSchema`. */
export type GenerationOutput = {
  items: Array<
    | { question: string; answer: string }
    | { instruction: string; input: string; output: string }
    | { operation: EvolOperation; instruction: string; output: string }
    | { turns: Array<{ user: string; assistant: string }> }
  >;
};

/** Turns a validated model item into user/assistant turns. */
export function toExchange(method: GenerationMethod, item: GenerationOutput['items'][number], evolvedFrom?: string): GeneratedExchange {
  switch (method) {
    case 'self-qa': {
      const qa = item as { question: string; answer: string };
      return { turns: [{ user: qa.question.trim(), assistant: qa.answer.trim() }] };
    }
    case 'self-instruct': {
      const task = item as { instruction: string; input: string; output: string };
      const user = task.input.trim() ? `${task.instruction.trim()}\n\n${task.input.trim()}` : task.instruction.trim();
      return { turns: [{ user, assistant: task.output.trim() }] };
    }
    case 'evol': {
      const evolved = item as { operation: EvolOperation; instruction: string; output: string };
      return { turns: [{ user: evolved.instruction.trim(), assistant: evolved.output.trim() }], operation: evolved.operation, ...(evolvedFrom === undefined ? {} : { evolvedFrom }) };
    }
    case 'dialogue':
      return { turns: (item as { turns: Array<{ user: string; assistant: string }> }).turns.map((turn) => ({ user: turn.user.trim(), assistant: turn.assistant.trim() })) };
  }
}
