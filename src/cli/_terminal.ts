/**
 * Output for the CLI: results to stdout, progress and logs to stderr (so `--json` output stays
 * parseable), with `--quiet` and `--verbose` levels.
 */
export interface Terminal {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** A result line on stdout. */
  out(text: string): void;
  /** A machine-readable result on stdout. */
  outJson(value: unknown): void;
  /** A log line on stderr (hidden by --quiet). */
  info(text: string): void;
  /** A detail line on stderr (shown only with --verbose). */
  debug(text: string): void;
  /** A warning or error on stderr (always shown). */
  warn(text: string): void;
  /** A progress bar on stderr that redraws in place on a TTY and prints sparse lines otherwise. */
  progress(label: string, done: number, total: number, detail?: string): void;
  /** Ends the current progress line. */
  endProgress(): void;
}

export interface TerminalStreams {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

export function createTerminal(flags: { json?: boolean; quiet?: boolean; verbose?: boolean }, streams: TerminalStreams): Terminal {
  const quiet = Boolean(flags.quiet);
  const verbose = Boolean(flags.verbose);
  const interactive = Boolean(streams.stderr.isTTY);
  let progressOpen = false;
  let lastLabel = '';
  let lastDecile = -1;
  const closeProgress = (): void => {
    if (progressOpen && interactive) streams.stderr.write('\n');
    progressOpen = false;
  };
  return {
    json: Boolean(flags.json),
    quiet,
    verbose,
    out: (text) => {
      closeProgress();
      streams.stdout.write(`${text}\n`);
    },
    outJson: (value) => {
      closeProgress();
      streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    info: (text) => {
      if (quiet) return;
      closeProgress();
      streams.stderr.write(`${text}\n`);
    },
    debug: (text) => {
      if (!verbose) return;
      closeProgress();
      streams.stderr.write(`${text}\n`);
    },
    warn: (text) => {
      closeProgress();
      streams.stderr.write(`${text}\n`);
    },
    progress: (label, done, total, detail) => {
      if (quiet) return;
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const percent = Math.floor(fraction * 100);
      if (interactive) {
        const width = 24;
        const filled = Math.round(fraction * width);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
        const columns = streams.stderr.columns ?? 100;
        const line = `${label.padEnd(7)} ${bar} ${String(percent).padStart(3)}% ${done}/${total}${detail ? ` ${detail}` : ''}`;
        streams.stderr.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
        progressOpen = true;
        return;
      }
      // Not a terminal (CI logs, pipes): one line per tenth, so logs stay readable.
      const decile = Math.floor(percent / 10);
      if (label !== lastLabel || decile !== lastDecile || done === total) {
        if (label === lastLabel && decile === lastDecile) return;
        streams.stderr.write(`${label} ${percent}% (${done}/${total})\n`);
        lastLabel = label;
        lastDecile = decile;
      }
    },
    endProgress: closeProgress,
  };
}
