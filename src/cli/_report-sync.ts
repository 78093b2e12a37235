import type { KnowledgeBase, SyncCounters, SyncProgress } from '../knowledge-base/index.js';
import { EXIT } from './_exit-codes.js';
import type { CliSession } from './_session.js';
import type { Terminal } from './_terminal.js';

const PHASE_LABELS: Record<SyncProgress['phase'], string> = { scan: 'scan', ingest: 'ingest', embed: 'embed', index: 'index', topics: 'topics' };

/** Runs a sync with a progress bar, prints the final counters, and sets a failing exit status if any input failed. */
export async function syncWithReport(knowledgeBase: KnowledgeBase, terminal: Terminal, session: CliSession): Promise<SyncCounters> {
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
