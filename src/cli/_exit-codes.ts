import { HangjiaError, USAGE_ERROR_CODES } from '../errors/index.js';

/** Exit statuses, documented in the README's CLI reference. */
export const EXIT = {
  ok: 0,
  /** The command ran but failed, or finished with inputs it could not process (see its summary). */
  failure: 1,
  /** The command was called wrongly (unknown flag or command, missing argument, unknown knowledge base). */
  usage: 2,
} as const;

export function exitCodeFor(error: unknown): number {
  if (HangjiaError.is(error)) return USAGE_ERROR_CODES.has(error.code) ? EXIT.usage : EXIT.failure;
  if (isCittyUsageError(error)) return EXIT.usage;
  return EXIT.failure;
}

/** citty signals usage problems with a CLIError whose code starts with E_ (not exported, so matched by shape). */
export function isCittyUsageError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && error.name === 'CLIError' && typeof (error as { code?: unknown }).code === 'string';
}
