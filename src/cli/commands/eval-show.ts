import path from 'node:path';
import { defineCommand } from 'citty';
import { readExamRun, summarizeExam, itemOutcomes } from '../../eval/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'show', description: 'Print an exam run directory: its configuration, provenance (strategy, exam digest, retrieval, seed, command) and summary' },
  args: {
    run: { type: 'positional', description: 'Run directory (written by eval exam or eval compare)', required: true },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { session, terminal } = openSession(data, args);
    const run = readExamRun(path.resolve(session.cwd, args.run));
    const outcomes = itemOutcomes(run.records);
    const correct = [...outcomes.values()].filter(Boolean).length;
    const summary = run.summary?.summary ?? null;
    if (terminal.json) {
      return terminal.outJson({ directory: run.directory, config: run.config, provenance: run.provenance, complete: run.summary?.complete ?? false, summary, records: run.records.length, items: outcomes.size, correct, damagedLines: run.damagedLines });
    }
    const { config, provenance } = run;
    terminal.out(`run         ${run.directory}`);
    terminal.out(`model       ${config.model.provider} "${config.model.modelId}"${provenance?.model.baseURL ? ` at ${provenance.model.baseURL}` : ''}`);
    terminal.out(`prompt      template ${config.template}; ${config.shots}-shot (${config.shotSelection}); circular ${config.circular ? 'on' : 'off'}; temperature ${config.temperature}; max tokens ${config.maxTokens}`);
    terminal.out(`seed        ${config.seed}; created ${config.createdAt}`);
    if (provenance !== null) {
      terminal.out(`strategy    ${provenance.strategy} (${provenance.kind})`);
      terminal.out(`exam        ${provenance.exam.path ?? '(in memory)'}; ${provenance.exam.items} items; sha256 ${provenance.exam.sha256}`);
      if (provenance.retrieval !== null) {
        terminal.out(`retrieval   knowledge base ${provenance.retrieval.knowledgeBase}; k ${provenance.retrieval.k}; evidence ≥ ${provenance.retrieval.evidenceThreshold}; ≤ ${provenance.retrieval.maxContextChars} characters`);
      }
      if (provenance.command !== null) terminal.out(`command     ${provenance.command}`);
    }
    terminal.out(`records     ${run.records.length} questions, ${outcomes.size} items, ${correct} right${run.damagedLines > 0 ? `; ${run.damagedLines} damaged lines` : ''}`);
    // The summary as written at the end of the run; without one (a run killed early), recomputed from the records.
    const shown = summary ?? summarizeExam(run.records.map((record) => ({ id: record.id, subject: record.subject, split: '', question: '', choices: {}, answer: [], multi: false })), run.records, { circular: config.circular, seed: config.seed });
    const { overall } = shown;
    const interval = overall.confidenceInterval ? `[${overall.confidenceInterval[0].toFixed(4)}, ${overall.confidenceInterval[1].toFixed(4)}]` : '—';
    terminal.out(`accuracy    ${overall.accuracy?.toFixed(4) ?? '—'} ${interval} over ${overall.items} items (${shown.resamples} resamples, seed ${shown.seed})${run.summary?.complete === false ? '; incomplete' : ''}${summary === null ? '; no summary.json, recomputed' : ''}`);
    terminal.out(`latency     p50 ${shown.latencyMs.p50?.toFixed(0) ?? '—'} ms, p95 ${shown.latencyMs.p95?.toFixed(0) ?? '—'} ms per question`);
    terminal.out(`tokens      ${shown.usage.inputTokens} in, ${shown.usage.outputTokens} out`);
  },
});
