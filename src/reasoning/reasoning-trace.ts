import type { LanguageModelUsage } from '../models/index.js';

/** A model call of a run: what it was for, its tokens and time, and the tools it asked for. */
export interface ModelCallTrace {
  kind: 'model';
  /** `agent-turn`, `plan`, `repair`, `step`, `answer`, `mine`. */
  purpose: string;
  usage: LanguageModelUsage;
  ms: number;
  /** Tool names the call asked for (agent turns). */
  toolCalls?: string[];
}

/** A tool call of an agent run: arguments as the model wrote them, result size, time, and the error returned to the model. */
export interface ToolCallTrace {
  kind: 'tool';
  name: string;
  arguments: string;
  resultCharacters: number;
  ms: number;
  /** Marker numbers of the passages the result showed. */
  sources: number[];
  error?: { code: string; message: string };
  /** The call repeated an earlier one exactly and was not run. */
  repeated?: boolean;
}

/** One executed step of a PEARL plan. */
export interface PlanStepTrace {
  kind: 'step';
  /** The step number in the plan. */
  step: number;
  action: string;
  variable: string;
  /** The arguments after variables were substituted (long values cut). */
  input: string[];
  output: string;
  sources: number[];
  usage: LanguageModelUsage;
  ms: number;
  error?: { code: string; message: string };
}

/** A plan the model wrote, with the validation errors found in it. */
export interface PlanAttemptTrace {
  kind: 'plan';
  /** 0 for the first plan, then one per repair round. */
  round: number;
  text: string;
  errors: Array<{ line: number; column: number; message: string }>;
}

export type TraceEvent = ModelCallTrace | ToolCallTrace | PlanStepTrace | PlanAttemptTrace;

/** Why a run stopped before its model finished on its own. */
export type StopReason = 'max-steps' | 'max-tool-calls' | 'token-budget' | 'time-budget' | 'repeated-calls';

/**
 * Everything a PEARL or agent run did, in order: every model call, tool call, plan and step, with
 * tokens and time; shown by `ask --trace` and in `--json`.
 */
export interface ReasoningTrace {
  strategy: 'pearl' | 'agent';
  events: TraceEvent[];
  /** Set when a limit stopped the run (the answer was then forced from what was read). */
  stopped?: { reason: StopReason; detail: string };
  totals: { modelCalls: number; toolCalls: number; steps: number; inputTokens: number; outputTokens: number; ms: number };
}

/** Collects trace events and keeps the totals. */
export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  stopped: ReasoningTrace['stopped'];
  private inputTokens = 0;
  private outputTokens = 0;

  constructor(
    readonly strategy: ReasoningTrace['strategy'],
    private readonly now: () => number,
    private readonly started = now(),
  ) {}

  record(event: TraceEvent): void {
    this.events.push(event);
    if (event.kind === 'model' || event.kind === 'step') {
      this.inputTokens += event.usage.inputTokens ?? 0;
      this.outputTokens += event.usage.outputTokens ?? 0;
    }
  }

  /** Tokens used so far, as the backends reported them. */
  tokens(): number {
    return this.inputTokens + this.outputTokens;
  }

  elapsedMs(): number {
    return this.now() - this.started;
  }

  finish(): ReasoningTrace {
    const count = (kind: TraceEvent['kind']): number => this.events.filter((event) => event.kind === kind).length;
    return {
      strategy: this.strategy,
      events: this.events,
      ...(this.stopped ? { stopped: this.stopped } : {}),
      totals: {
        modelCalls: count('model') + this.events.filter((event) => event.kind === 'step' && (event.usage.inputTokens !== undefined || event.usage.outputTokens !== undefined)).length,
        toolCalls: count('tool'),
        steps: this.strategy === 'pearl' ? count('step') : count('model'),
        inputTokens: this.inputTokens,
        outputTokens: this.outputTokens,
        ms: this.elapsedMs(),
      },
    };
  }
}
