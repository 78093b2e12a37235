/**
 * Real SIGINT and SIGTERM for testing how a long command stops (`catchInterrupts` in
 * src/cli/_interrupts.ts). vitest runs each test file in its own process (`pool: 'forks'`), which
 * has no listener of its own for these signals: the command under test must be listening, or the
 * signal kills the test process. Written by hand; no generating command.
 */
import { expect } from 'vitest';
import type { RecordedRequest, ScriptedReply, ScriptStep } from './scripted-openai-server.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';
export type StopListenerCounts = Record<StopSignal, number>;

/** How many listeners this process has for SIGINT and SIGTERM now. */
export function stopListenerCounts(): StopListenerCounts {
  return { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
}

/** What {@link interruptDuringReply} returns: the step to queue, and what it saw. */
export interface ScriptedInterrupt {
  /** Queue it on the scripted server where the command should be stopped. */
  readonly step: ScriptStep;
  /** Listener counts when the interrupt was made (make it before running the command). */
  readonly before: StopListenerCounts;
  /** Listener counts while the step ran, or undefined if it never ran. */
  readonly during: StopListenerCounts | undefined;
}

/**
 * A request the model is slow to answer, during which this process receives a real `signal`, sent
 * only when the command listens for both signals (one listener more than `before` for each).
 * Without those listeners it replies at once instead, so the test fails on its assertions rather
 * than dying. The reply the signal should cut short comes after 20 s, inside the test's time
 * limit, so a signal that is not acted on fails the assertions too, rather than timing out.
 *
 * @example
 * const interrupt = interruptDuringReply('SIGINT', chatReply('答案：A'));
 * server.enqueue('/v1/chat/completions', ok, interrupt.step);
 * const run = await runCliCaptured(args, { home, env });
 * expect(interrupt.during).toEqual({ SIGINT: interrupt.before.SIGINT + 1, SIGTERM: interrupt.before.SIGTERM + 1 });
 * expect(run.code).toBe(130);
 */
export function interruptDuringReply(signal: StopSignal, reply: ScriptedReply | ((request: RecordedRequest) => ScriptedReply)): ScriptedInterrupt {
  const before = stopListenerCounts();
  let during: StopListenerCounts | undefined;
  return {
    before,
    get during() {
      return during;
    },
    step: (request) => {
      during = stopListenerCounts();
      const answer = typeof reply === 'function' ? reply(request) : reply;
      if (during.SIGINT !== before.SIGINT + 1 || during.SIGTERM !== before.SIGTERM + 1) return answer;
      process.kill(process.pid, signal);
      return { ...answer, delayMs: 20_000 };
    },
  };
}

/**
 * Asserts how every long command ends on a stop signal: the command listened for both signals
 * while it ran (`during` is one more than `before`) and removed its listeners afterwards; it exited
 * with 128 + the signal's number; stderr says what was saved and that the same command resumes,
 * and reports no error.
 */
export function expectStoppedBySignal(
  run: { code: number; stderr: string },
  listeners: { readonly before: StopListenerCounts; readonly during: StopListenerCounts | undefined },
  signal: StopSignal,
  saved: string,
): void {
  const { before } = listeners;
  expect(listeners.during).toEqual({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
  expect(stopListenerCounts()).toEqual(before);
  expect(run.code, run.stderr).toBe(signal === 'SIGINT' ? 130 : 143);
  expect(run.stderr).toContain(`Interrupted (${signal}): ${saved}; run the same command again to resume.`);
  expect(run.stderr).not.toContain('Error:');
}
