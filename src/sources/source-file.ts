import type { SourceFormat } from '../documents/index.js';

/** A file `listSourceFiles` found and `readSourceFile` can read. */
export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** The folder the file was found under (absolute); for a file given directly, its own folder. */
  root: string;
  /** Path relative to `root`, with `/` separators: what globs match and document ids derive from. */
  relativePath: string;
  format: SourceFormat;
  /** Size in bytes when listed. */
  size: number;
  /** Last modification time when listed, in ms since the epoch. */
  mtimeMs: number;
}

/**
 * An input that was found but not listed, with the reason, so callers can count skips by reason
 * rather than lose them: `unsupported-format` (no adapter for the extension), `excluded` (matched
 * an `exclude` glob or missed every `include` glob; a pruned folder is reported once, not per file),
 * or `unreadable` (a folder that cannot be listed, a symbolic link to nothing).
 */
export interface SkippedInput {
  path: string;
  reason: 'unsupported-format' | 'excluded' | 'unreadable';
  message: string;
}
