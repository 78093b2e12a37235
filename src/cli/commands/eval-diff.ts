import path from 'node:path';
import { defineCommand } from 'citty';
import { diffExamRuns, readExamRun } from '../../eval/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: {
    name: 'diff',
    description: "Compare two exam runs item by item: both right, both wrong, right in a only, right in b only (with ids), the accuracy change with a paired-bootstrap 95% interval, and McNemar's exact p-value",
  },
  args: {
    a: { type: 'positional', description: 'Run directory a', required: true },
    b: { type: 'positional', description: 'Run directory b', required: true },
    ids: { type: 'string', description: 'Ids listed per group (default 20; 0 lists none)' },
    seed: { type: 'string', description: 'Seed of the paired bootstrap (default 0)' },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { session, terminal } = openSession(data, args);
    const runA = readExamRun(path.resolve(session.cwd, args.a));
    const runB = readExamRun(path.resolve(session.cwd, args.b));
    const shown = numberFlag('ids', args.ids, { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 20;
    const diff = diffExamRuns(runA.records, runB.records, { seed: numberFlag('seed', args.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 0 });
    if (terminal.json) return terminal.outJson({ a: runA.directory, b: runB.directory, ...diff });
    const list = (ids: string[]): string => (shown === 0 || ids.length === 0 ? '' : `  ${ids.slice(0, shown).join(', ')}${ids.length > shown ? `, … (${ids.length})` : ''}`);
    const label = (run: typeof runA): string => `${run.directory} (${run.provenance?.strategy ?? `${run.config.shots}-shot`}, ${run.config.model.modelId})`;
    terminal.out(`a           ${label(runA)}`);
    terminal.out(`b           ${label(runB)}`);
    terminal.out(`paired      ${diff.pairedItems} items`);
    terminal.out(`both right  ${diff.bothRight.length}`);
    terminal.out(`both wrong  ${diff.bothWrong.length}`);
    terminal.out(`a only      ${diff.onlyA.length}${list(diff.onlyA)}`);
    terminal.out(`b only      ${diff.onlyB.length}${list(diff.onlyB)}`);
    if (diff.missingInA.length + diff.missingInB.length > 0) terminal.out(`unpaired    ${diff.missingInB.length} only in a, ${diff.missingInA.length} only in b (left out)`);
    const interval = diff.change.confidenceInterval ? `[${signed(diff.change.confidenceInterval[0])}, ${signed(diff.change.confidenceInterval[1])}]` : '—';
    terminal.out(`accuracy    a ${diff.accuracyA?.toFixed(4) ?? '—'}, b ${diff.accuracyB?.toFixed(4) ?? '—'}; b − a ${signed(diff.change.difference)} ${interval} (paired bootstrap, ${diff.change.resamples} resamples, seed ${diff.change.seed})`);
    terminal.out(`McNemar     p = ${diff.mcnemarPValue.toPrecision(4)} (exact, two-sided, on ${diff.onlyA.length} + ${diff.onlyB.length} discordant items)`);
  },
});

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;
}
