import { constants } from 'node:os';
import { HangjiaError, USAGE_ERROR_CODES } from '../errors/index.js';

/** Exit statuses, documented in the README's CLI reference. */
export const EXIT = {
  ok: 0,
  /** The command ran but failed, or finished with inputs it could not process (see its summary). */
  failure: 1,
  /** The command was called wrongly (unknown flag or command, missing argument, unknown knowledge base). */
  usage: 2,
} as const;

/**
 * A command stopped by a signal, having saved what it finished, exits 128 + the signal's number,
 * as a shell reports a process the signal killed: 130 for SIGINT (Ctrl-C), 143 for SIGTERM.
 */
export function exitCodeForSignal(signal: 'SIGINT' | 'SIGTERM'): number {
  return 128 + constants.signals[signal];
}

export function exitCodeFor(error: unknown): number {
  if (HangjiaError.is(error)) return USAGE_ERROR_CODES.has(error.code) ? EXIT.usage : EXIT.failure;
  if (isCittyUsageError(error)) return EXIT.usage;
  return EXIT.failure;
}

/** citty signals usage problems with a CLIError whose code starts with E_ (not exported, so matched by shape). */
export function isCittyUsageError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && error.name === 'CLIError' && typeof (error as { code?: unknown }).code === 'string';
}
