import type { StrategyComparison, StrategyResult } from './compare-strategies.js';
import type { GeneralAbilityChange } from './general-ability.js';
import { RECOMMENDATION_RULE } from './recommend-strategy.js';

export const fixed = (value: number | null, digits: number): string => (value === null ? '—' : value.toFixed(digits));
export const interval = (value: [number, number] | null): string => (value === null ? '—' : `[${value[0].toFixed(3)}, ${value[1].toFixed(3)}]`);
const cost = (row: StrategyResult): string => (row.costPer1000Items === null ? 'unknown' : row.costPer1000Items.toFixed(4));
export const share = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
export const pValue = (value: number | null): string => (value === null ? '—' : value < 0.0001 ? '<0.0001' : value.toFixed(4));
export const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;

/** The table's columns, shared by the Markdown and HTML reports. */
function tableRows(comparison: StrategyComparison): string[][] {
  return comparison.strategies.map((row) => [
    row.name + (row.name === comparison.recommendation.strategy ? ' ✓' : ''),
    row.kind,
    row.model.modelId,
    `${row.correct}/${row.items}${row.complete ? '' : ' (incomplete)'}`,
    fixed(row.accuracy, 3),
    interval(row.confidenceInterval),
    fixed(row.latencyMs.p50, 0),
    fixed(row.latencyMs.p95, 0),
    `${row.usage.inputTokens}/${row.usage.outputTokens}`,
    cost(row),
    share(row.retrievalShare),
    pValue(row.mcnemarVersusRecommended),
  ]);
}

const HEADER = ['strategy', 'kind', 'model', 'right/items', 'accuracy', '95% CI', 'p50 ms', 'p95 ms', 'tokens in/out', 'cost / 1,000 q', 'retrieval share', 'McNemar p vs ✓'];

function generalLines(general: readonly GeneralAbilityChange[]): string[] {
  return general.map(
    (change) =>
      `| ${change.base} → ${change.tuned} | ${change.items} | ${fixed(change.baseAccuracy, 3)} | ${fixed(change.tunedAccuracy, 3)} | ${signed(change.change.difference)} | ${interval(change.change.confidenceInterval)} | ${pValue(change.mcnemarPValue)} | ${change.verdict}${change.complete ? '' : ' (incomplete)'} |`,
  );
}

/**
 * `summary.md`: the recommendation first, the rule that produced it, the table, the forgetting
 * check when run, and how to reproduce every number (the command, run directories, seeds).
 */
export function renderComparisonMarkdown(comparison: StrategyComparison, general: readonly GeneralAbilityChange[] = []): string {
  const lines: string[] = ['# Approach comparison', '', `Exam: ${comparison.exam.path ?? '(in memory)'} — ${comparison.exam.items} items, sha256 ${comparison.exam.sha256.slice(0, 16)}…`, ''];
  lines.push('## Recommendation', '', comparison.recommendation.statement, '');
  for (const entry of comparison.recommendation.excluded) lines.push(`- Not judged: ${entry.name} (${entry.reason}).`);
  if (comparison.recommendation.excluded.length > 0) lines.push('');
  lines.push('### The rule', '', RECOMMENDATION_RULE, '');
  lines.push('## Results', '', `| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`);
  for (const row of tableRows(comparison)) lines.push(`| ${row.join(' | ')} |`);
  lines.push(
    '',
    `Accuracy intervals: percentile bootstrap over items, ${comparison.resamples} resamples, seed ${comparison.seed}, level ${comparison.confidenceLevel}. ` +
      'Latency is model time per question. Cost per 1,000 questions = (input tokens × input price + output tokens × output price) / 10⁶, scaled to 1,000 items; "unknown" where no price was given. ' +
      (comparison.retrieval
        ? `Retrieval share: items whose retrieval from knowledge base "${comparison.retrieval.knowledgeBase}" (k ${comparison.retrieval.k}) cleared evidence ${comparison.retrieval.evidenceThreshold}; the others were asked without passages.`
        : ''),
    '',
  );
  if (general.length > 0) {
    lines.push(
      '## General ability (forgetting check)',
      '',
      '| base → tuned | items | base | tuned | change | 95% CI (paired bootstrap) | McNemar p | verdict |',
      '|---|---|---|---|---|---|---|---|',
      ...generalLines(general),
      '',
      '"forgetting": the whole interval of the change is below 0; "gain": above 0; "not-separated": it contains 0, so the data show no change either way.',
      '',
    );
  }
  lines.push('## Reproduce', '', '```sh', comparison.command ?? '# (run from code: see provenance.json in each run directory)', '```', '');
  for (const row of comparison.strategies) lines.push(`- ${row.name}: \`${row.runDirectory}\` (hangjia eval show ${row.runDirectory})`);
  for (const change of general) lines.push(`- general ${change.tuned}: \`${change.tunedRunDirectory}\`; base \`${change.baseRunDirectory}\``);
  lines.push('', `Generated ${comparison.createdAt}.`, '');
  return lines.join('\n');
}

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * The bar chart: one bar per strategy (accuracy), a whisker for its 95% interval, the recommended
 * one filled darker. Plain inline SVG, no script, so the report opens anywhere offline.
 */
export function renderAccuracyChartSvg(
  comparison: { strategies: ReadonlyArray<Pick<StrategyResult, 'name' | 'accuracy' | 'confidenceInterval'>>; recommendation: Pick<StrategyComparison['recommendation'], 'strategy'> },
  measure = 'Accuracy',
): string {
  const rows = comparison.strategies;
  const barWidth = 56;
  const gap = 28;
  const top = 20;
  const plotHeight = 200;
  const left = 44;
  const width = left + rows.length * (barWidth + gap) + gap;
  const height = top + plotHeight + 60;
  const y = (value: number): number => top + plotHeight * (1 - value);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(measure)} by strategy with 95% intervals">`];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left}" x2="${width - gap / 2}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${y(tick) + 4}" font-size="11" text-anchor="end">${tick.toFixed(2)}</text>`);
  }
  rows.forEach((row, index) => {
    const x = left + gap + index * (barWidth + gap);
    const accuracy = row.accuracy ?? 0;
    const fill = row.name === comparison.recommendation.strategy ? '#1f5fa8' : '#8fb3dc';
    parts.push(`<rect class="bar" x="${x}" y="${y(accuracy)}" width="${barWidth}" height="${plotHeight * accuracy}" fill="${fill}"><title>${escapeHtml(`${row.name}: ${fixed(row.accuracy, 3)} ${interval(row.confidenceInterval)}`)}</title></rect>`);
    if (row.confidenceInterval !== null) {
      const [low, high] = row.confidenceInterval;
      const middle = x + barWidth / 2;
      parts.push(
        `<g class="whisker" stroke="#222"><line x1="${middle}" x2="${middle}" y1="${y(high)}" y2="${y(low)}"/><line x1="${middle - 8}" x2="${middle + 8}" y1="${y(high)}" y2="${y(high)}"/><line x1="${middle - 8}" x2="${middle + 8}" y1="${y(low)}" y2="${y(low)}"/></g>`,
      );
    }
    parts.push(`<text x="${x + barWidth / 2}" y="${top + plotHeight + 16}" font-size="11" text-anchor="middle">${escapeHtml(row.name)}</text>`);
    parts.push(`<text x="${x + barWidth / 2}" y="${top + plotHeight + 30}" font-size="10" text-anchor="middle" fill="#555">${fixed(row.accuracy, 3)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** `report.html`: self-contained (inline CSS and SVG, no scripts or external resources). */
export function renderComparisonHtml(comparison: StrategyComparison, general: readonly GeneralAbilityChange[] = []): string {
  const cell = (text: string, tag = 'td'): string => `<${tag}>${escapeHtml(text)}</${tag}>`;
  const rows = tableRows(comparison).map((row) => `<tr>${row.map((text) => cell(text)).join('')}</tr>`);
  const boldToHtml = (text: string): string => escapeHtml(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>');
  const generalTable =
    general.length === 0
      ? ''
      : `<h2>General ability (forgetting check)</h2><table><thead><tr>${['base → tuned', 'items', 'base', 'tuned', 'change', '95% CI (paired bootstrap)', 'McNemar p', 'verdict'].map((text) => cell(text, 'th')).join('')}</tr></thead><tbody>${general
          .map((change) => `<tr>${[`${change.base} → ${change.tuned}`, String(change.items), fixed(change.baseAccuracy, 3), fixed(change.tunedAccuracy, 3), signed(change.change.difference), interval(change.change.confidenceInterval), pValue(change.mcnemarPValue), change.verdict].map((text) => cell(text)).join('')}</tr>`)
          .join('')}</tbody></table>`;
  return [
    '<!doctype html>',
    '<html lang="zh"><head><meta charset="utf-8"><title>hangjia approach comparison</title>',
    '<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child,td:nth-child(2),td:nth-child(3){text-align:left}pre{background:#f5f5f5;padding:8px;white-space:pre-wrap}.rule{white-space:pre-wrap;font-size:13px}</style>',
    '</head><body>',
    '<h1>Approach comparison</h1>',
    `<p>Exam: ${escapeHtml(comparison.exam.path ?? '(in memory)')} — ${comparison.exam.items} items, sha256 <code>${comparison.exam.sha256.slice(0, 16)}…</code></p>`,
    `<h2>Recommendation</h2><p class="recommendation">${boldToHtml(comparison.recommendation.statement)}</p>`,
    `<details><summary>The rule</summary><div class="rule">${boldToHtml(RECOMMENDATION_RULE)}</div></details>`,
    `<h2>Accuracy with 95% intervals</h2>${renderAccuracyChartSvg(comparison)}`,
    `<h2>Results</h2><table><thead><tr>${HEADER.map((text) => cell(text, 'th')).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
    `<p>Percentile bootstrap over items, ${comparison.resamples} resamples, seed ${comparison.seed}. Cost per 1,000 questions from token usage and the given prices ("unknown" without a price).</p>`,
    generalTable,
    `<h2>Reproduce</h2><pre>${escapeHtml(comparison.command ?? '(run from code: see provenance.json in each run directory)')}</pre>`,
    `<ul>${comparison.strategies.map((row) => `<li>${escapeHtml(row.name)}: <code>${escapeHtml(row.runDirectory)}</code></li>`).join('')}</ul>`,
    `<p>Generated ${escapeHtml(comparison.createdAt)}.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}
