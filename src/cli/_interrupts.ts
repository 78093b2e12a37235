import { HangjiaError } from '../errors/index.js';
import { exitCodeForSignal } from './_exit-codes.js';
import type { CliSession } from './_session.js';
import type { Terminal } from './_terminal.js';

/** The signals a long command stops on: Ctrl-C in the terminal, and a polite `kill`. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** What {@link catchInterrupts} returns: the signal to pass to the library, and what stopped it. */
export interface Interrupts {
  /** Aborts, with an `E_ABORTED` HangjiaError as its reason, on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal that arrived first, or undefined while none has. */
  received(): StopSignal | undefined;
  /** Removes the listeners; call it in `finally`, once the run has stopped. */
  dispose(): void;
}

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into an abort signal, so that a long, resumable command
 * (`eval exam`, `eval rag`, `eval pairwise`, `eval compare`, `data generate`) stops cleanly: no
 * new work starts, work in flight is aborted, and what finished stays in its run directory (or
 * job state). While the listeners are on, Node does not exit on these signals; each is heard
 * once, so a second Ctrl-C finds no listener and quits at once, the way Node does by default.
 *
 * @example
 * const interrupts = catchInterrupts();
 * try {
 *   await runExam(items, { …, signal: interrupts.signal });
 *   const signal = interrupts.received(); // 'SIGINT' after Ctrl-C
 * } finally {
 *   interrupts.dispose();
 * }
 */
export function catchInterrupts(): Interrupts {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const listeners = STOP_SIGNALS.map((name) => {
    const listener = (): void => {
      received ??= name;
      controller.abort(new HangjiaError('E_ABORTED', `Interrupted by ${name}.`, { isRetryable: true, details: { signal: name } }));
    };
    process.once(name, listener);
    return [name, listener] as const;
  });
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const [name, listener] of listeners) process.off(name, listener);
    },
  };
}

/**
 * The end of a run that may have been interrupted: when a signal arrived, sets the exit status
 * (130 for SIGINT, 143 for SIGTERM, see `exitCodeForSignal`), says on stderr what was saved and
 * that the same command resumes, and returns true. Returns false and does nothing when no signal
 * arrived, so the caller reports its own failure. `saved` completes "Interrupted (SIGINT): …",
 * e.g. "4 answered questions are saved in runs/exam.x".
 *
 * @example
 * if (result.failure !== undefined && !reportInterrupted(interrupts, session, terminal, `${done} scored items are saved in ${runDirectory}`)) {
 *   session.exitCode = EXIT.failure; // and say what failed
 * }
 */
export function reportInterrupted(interrupts: Interrupts, session: Pick<CliSession, 'exitCode'>, terminal: Pick<Terminal, 'warn'>, saved: string): boolean {
  const signal = interrupts.received();
  if (signal === undefined) return false;
  session.exitCode = exitCodeForSignal(signal);
  terminal.warn(`Interrupted (${signal}): ${saved}; run the same command again to resume.`);
  return true;
}
