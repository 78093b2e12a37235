import { HangjiaError } from '../errors/index.js';

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
 * Turns SIGINT (Ctrl-C) and SIGTERM into an abort signal, so that a long, resumable command (an
 * exam run) stops cleanly: no new work starts, work in flight is aborted, and what finished stays
 * in its run directory. While the listeners are on, Node does not exit on these signals; each is
 * heard once, so a second Ctrl-C finds no listener and quits at once, the way Node does by default.
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
