import readline from 'node:readline';
import type { KnowledgeBase, SyncCounters, SyncProgress } from '../knowledge-base/index.js';
import { EXIT } from './_exit-codes.js';
import type { CliSession } from './_session.js';
import type { Terminal } from './_terminal.js';

const PHASE_LABELS: Record<SyncProgress['phase'], string> = { scan: 'scan', ingest: 'ingest', rows: 'rows', embed: 'embed', index: 'index', topics: 'topics', vectors: 'vectors' };

/**
 * Runs a sync with a progress bar, prints the final counters, and sets a failing exit status if
 * any input failed. A sync that would remove most documents and add none (see `SyncOptions.
 * maxRemovalShare`) goes ahead only with `allowMassRemoval`, or when the user says yes at a
 * terminal; otherwise it fails with `E_MASS_REMOVAL` having removed nothing.
 */
export async function syncWithReport(
  knowledgeBase: KnowledgeBase,
  terminal: Terminal,
  session: CliSession,
  options: { maxRemovalShare?: number; allowMassRemoval?: boolean } = {},
): Promise<SyncCounters> {
  const started = performance.now();
  const settings = knowledgeBase.settings;
  terminal.info(`Syncing "${knowledgeBase.name}" from ${settings.sources.join(', ')}`);
  terminal.debug(`  settings: ${JSON.stringify({ include: settings.include, exclude: settings.exclude, maxFileBytes: settings.maxFileBytes, chunking: settings.chunking })}`);
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  let counters: SyncCounters;
  try {
    counters = await knowledgeBase.sync({
      signal: controller.signal,
      ...(options.maxRemovalShare === undefined ? {} : { maxRemovalShare: options.maxRemovalShare }),
      confirmMassRemoval: async (removal) => {
        if (options.allowMassRemoval) return true;
        if (terminal.json || !session.stdin.isTTY || !session.streams.stderr.isTTY) return false;
        terminal.endProgress();
        return askYesNo(
          session,
          `This sync would remove ${removal.documents} of ${removal.storedDocuments} documents (${removal.files} files) and add nothing; ${removal.sources.join(', ')} may be unmounted or moved. Remove them? [y/N] `,
        );
      },
      onProgress: (progress) => {
        const detail = progress.path ? shorten(progress.path) : undefined;
        terminal.progress(PHASE_LABELS[progress.phase], progress.done, progress.total, detail);
      },
    });
  } finally {
    process.off('SIGINT', stop);
    terminal.endProgress();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (terminal.json) {
    terminal.outJson({ knowledgeBase: knowledgeBase.name, seconds: Number(seconds), ...counters, stats: statsSummary(knowledgeBase) });
  } else {
    const stats = knowledgeBase.stats();
    terminal.out(
      `${knowledgeBase.name}: ${counters.filesFound} files found — ${counters.added} added, ${counters.updated} updated, ${counters.unchanged} unchanged, ${counters.removed} removed, ${counters.failed} failed, ${counters.skipped} skipped (${seconds} s)`,
    );
    terminal.out(`  now ${stats.documents} documents, ${stats.chunks} chunks${counters.chunksEmbedded ? `, ${counters.chunksEmbedded} chunks embedded` : ''}; search is ${knowledgeBase.hasVectorSearch() ? 'hybrid (lexical + vector)' : 'lexical (no embedding model configured)'}`);
    if (counters.accessChanged > 0) terminal.out(`  access groups changed on ${counters.accessChanged} documents (applied in place, files not re-read)`);
    for (const failure of counters.failures) terminal.warn(`  ✗ ${failure.path}: ${failure.message} [${failure.code}]`);
    for (const skipped of counters.skippedInputs) terminal.info(`  – skipped ${skipped.path}: ${skipped.message}`);
    for (const warning of counters.warnings.slice(0, 20)) terminal.warn(`  ! ${warning.path}: ${warning.message}`);
    if (counters.warnings.length > 20) terminal.warn(`  ! … and ${counters.warnings.length - 20} more warnings (see --json)`);
  }
  if (counters.failed > 0) session.exitCode = EXIT.failure;
  return counters;
}

function statsSummary(knowledgeBase: KnowledgeBase): Record<string, unknown> {
  const stats = knowledgeBase.stats();
  return { documents: stats.documents, chunks: stats.chunks, embeddings: stats.embeddings, vectorSearch: knowledgeBase.hasVectorSearch() };
}

function shorten(file: string): string {
  return file.length > 50 ? `…${file.slice(-49)}` : file;
}

/** One answer from the terminal; anything but y/yes is no. */
async function askYesNo(session: CliSession, question: string): Promise<boolean> {
  const lines = readline.createInterface({ input: session.stdin, terminal: false });
  try {
    session.streams.stderr.write(question);
    const answer = await new Promise<string>((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => resolve(''));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    lines.close();
  }
}
