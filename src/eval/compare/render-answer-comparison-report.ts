import type { RagMetricSummary } from '../rag/index.js';
import { ANSWER_COMPARISON_METRICS, type AnswerComparison, type AnswerComparisonMetric, type AnswerStrategyResult } from './compare-answer-strategies.js';
import { FREE_FORM_RECOMMENDATION_RULE } from './recommend-strategy.js';
import { escapeHtml, fixed, interval, pValue, renderAccuracyChartSvg, share, signed } from './render-comparison-report.js';

const METRIC_LABELS: Record<AnswerComparisonMetric, string> = {
  judgedCorrectness: 'judged correctness',
  characterF1: 'char F1',
  rougeL: 'ROUGE-L',
  exactMatch: 'exact match',
  faithfulness: 'faithfulness',
  citationPrecision: 'citation precision',
  citedSentenceAccuracy: 'cited-sentence accuracy',
  answerRelevancy: 'answer relevancy',
};

/** Measures shown in the main table (the others are in comparison.json and the paired table). */
const TABLE_METRICS: readonly AnswerComparisonMetric[] = ['judgedCorrectness', 'characterF1', 'rougeL', 'faithfulness', 'citationPrecision'];

const PASSAGE_METRICS = new Set<AnswerComparisonMetric>(['faithfulness', 'citationPrecision', 'citedSentenceAccuracy']);

function metricCell(row: AnswerStrategyResult, metric: AnswerComparisonMetric, comparison: AnswerComparison): string {
  if (metric === 'judgedCorrectness' && comparison.judge === null) return 'not judged';
  if (PASSAGE_METRICS.has(metric) && !row.grounded) return 'n/a (no passages)';
  const summary: RagMetricSummary = row.metrics[metric];
  return summary.mean === null ? '—' : `${summary.mean.toFixed(3)} ${interval(summary.confidenceInterval)}`;
}

const cost = (row: AnswerStrategyResult): string => (row.costPer1000Items === null ? 'unknown' : row.costPer1000Items.toFixed(4));

function header(): string[] {
  return ['strategy', 'kind', 'model', 'answered', ...TABLE_METRICS.map((metric) => `${METRIC_LABELS[metric]} [95% CI]`), 'refusal rate', 'p50 ms', 'p95 ms', 'tokens in/out', 'cost / 1,000 q'];
}

function tableRows(comparison: AnswerComparison): string[][] {
  return comparison.strategies.map((row) => [
    row.name + (row.name === comparison.recommendation.strategy ? ' ✓' : ''),
    row.kind,
    row.model.modelId,
    `${row.items}/${comparison.questions.items}${row.complete ? '' : ' (incomplete)'}`,
    ...TABLE_METRICS.map((metric) => metricCell(row, metric, comparison)),
    row.grounded ? share(row.refusalRate) : 'n/a',
    fixed(row.latencyMs.p50, 0),
    fixed(row.latencyMs.p95, 0),
    `${row.usage.inputTokens}/${row.usage.outputTokens}`,
    cost(row),
  ]);
}

const PAIRED_HEADER = ['strategy vs ✓', 'measure', 'items', 'difference', '95% CI (paired bootstrap)', 'p (randomization)'];

function pairedRows(comparison: AnswerComparison): string[][] {
  const rows: string[][] = [];
  for (const row of comparison.strategies) {
    for (const metric of ANSWER_COMPARISON_METRICS) {
      const paired = row.pairedVersusRecommended?.[metric];
      if (paired === undefined) continue;
      rows.push([`${row.name} − ${comparison.recommendation.strategy}`, METRIC_LABELS[metric], String(paired.items), signed(paired.difference), interval(paired.confidenceInterval), pValue(paired.pValue)]);
    }
  }
  return rows;
}

function notes(comparison: AnswerComparison): string {
  const measure = comparison.measure === 'judgedCorrectness' ? `judged correctness (${comparison.judge!.provider} "${comparison.judge!.modelId}": correct 1, partially correct 0.5, incorrect 0)` : 'character F1 against the reference answers';
  const variant = comparison.evaluator['variant'] === 'lexical' ? 'lexically (weighted term coverage; an approximation, not RAGAS)' : 'by the judge model (RAGAS)';
  return (
    `The recommendation is judged on ${measure}. Faithfulness and citation precision are scored ${variant}, for the strategies that answer from retrieved passages; the others answer without sources, so those measures do not apply to them. ` +
    `Refusal rate: answers that declined (the evidence threshold, or the model saying the knowledge base does not cover the question). ` +
    `Intervals: percentile bootstrap over questions, ${comparison.resamples} resamples, seed ${comparison.seed}, level ${comparison.confidenceLevel}. Latency is the time to a complete answer (retrieval included). ` +
    'Cost per 1,000 questions = (input tokens × input price + output tokens × output price) / 10⁶, scaled to 1,000 questions; "unknown" where no price was given.'
  );
}

/** `summary.md` for free-form answers: the recommendation, its rule, the table, the paired comparisons, how to reproduce. */
export function renderAnswerComparisonMarkdown(comparison: AnswerComparison): string {
  const lines: string[] = ['# Approach comparison (free-form answers)', '', `Questions: ${comparison.questions.path ?? '(in memory)'} — ${comparison.questions.items} items`, ''];
  lines.push('## Recommendation', '', comparison.recommendation.statement, '');
  for (const entry of comparison.recommendation.excluded) lines.push(`- Not judged: ${entry.name} (${entry.reason}).`);
  if (comparison.recommendation.excluded.length > 0) lines.push('');
  lines.push('### The rule', '', FREE_FORM_RECOMMENDATION_RULE, '');
  const head = header();
  lines.push('## Results', '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const row of tableRows(comparison)) lines.push(`| ${row.join(' | ')} |`);
  lines.push('', notes(comparison), '');
  const paired = pairedRows(comparison);
  if (paired.length > 0) {
    lines.push('## Paired comparison with the recommended strategy', '', `| ${PAIRED_HEADER.join(' | ')} |`, `|${PAIRED_HEADER.map(() => '---').join('|')}|`);
    for (const row of paired) lines.push(`| ${row.join(' | ')} |`);
    lines.push('', 'Per question, this strategy minus the recommended one, over the questions where the measure applies to both; p is two-sided.', '');
  }
  lines.push('## Reproduce', '', '```sh', comparison.command ?? '# (run from code: see run.json in each run directory)', '```', '');
  for (const row of comparison.strategies) lines.push(`- ${row.name}: \`${row.runDirectory}\``);
  lines.push('', `Generated ${comparison.createdAt}.`, '');
  return lines.join('\n');
}

/** `report.html` for free-form answers: self-contained (inline CSS and SVG, no scripts). */
export function renderAnswerComparisonHtml(comparison: AnswerComparison): string {
  const cell = (text: string, tag = 'td'): string => `<${tag}>${escapeHtml(text)}</${tag}>`;
  const table = (head: string[], rows: string[][]): string =>
    `<table><thead><tr>${head.map((text) => cell(text, 'th')).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((text) => cell(text)).join('')}</tr>`).join('')}</tbody></table>`;
  const boldToHtml = (text: string): string => escapeHtml(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>');
  const measureLabel = METRIC_LABELS[comparison.measure];
  const chart = renderAccuracyChartSvg(
    {
      strategies: comparison.strategies.map((row) => ({ name: row.name, accuracy: row.metrics[comparison.measure].mean, confidenceInterval: row.metrics[comparison.measure].confidenceInterval })),
      recommendation: comparison.recommendation,
    },
    measureLabel,
  );
  const paired = pairedRows(comparison);
  return [
    '<!doctype html>',
    '<html lang="zh"><head><meta charset="utf-8"><title>hangjia approach comparison (free-form answers)</title>',
    '<style>body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;font-size:13px;margin-bottom:1em}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child,td:nth-child(2),td:nth-child(3){text-align:left}pre{background:#f5f5f5;padding:8px;white-space:pre-wrap}.rule{white-space:pre-wrap;font-size:13px}</style>',
    '</head><body>',
    '<h1>Approach comparison (free-form answers)</h1>',
    `<p>Questions: ${escapeHtml(comparison.questions.path ?? '(in memory)')} — ${comparison.questions.items} items</p>`,
    `<h2>Recommendation</h2><p class="recommendation">${boldToHtml(comparison.recommendation.statement)}</p>`,
    comparison.recommendation.excluded.length > 0 ? `<ul>${comparison.recommendation.excluded.map((entry) => `<li>Not judged: ${escapeHtml(entry.name)} (${escapeHtml(entry.reason)}).</li>`).join('')}</ul>` : '',
    `<details><summary>The rule</summary><div class="rule">${boldToHtml(FREE_FORM_RECOMMENDATION_RULE)}</div></details>`,
    `<h2>${escapeHtml(measureLabel)} with 95% intervals</h2>${chart}`,
    `<h2>Results</h2>${table(header(), tableRows(comparison))}`,
    `<p>${escapeHtml(notes(comparison))}</p>`,
    paired.length > 0 ? `<h2>Paired comparison with the recommended strategy</h2>${table(PAIRED_HEADER, paired)}` : '',
    `<h2>Reproduce</h2><pre>${escapeHtml(comparison.command ?? '(run from code: see run.json in each run directory)')}</pre>`,
    `<ul>${comparison.strategies.map((row) => `<li>${escapeHtml(row.name)}: <code>${escapeHtml(row.runDirectory)}</code></li>`).join('')}</ul>`,
    `<p>Generated ${escapeHtml(comparison.createdAt)}.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}
