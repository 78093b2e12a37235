import type { MixPlan } from './plan-mix.js';

const percent = (value: number): string => `${(value * 100).toFixed(2)} %`;

/** A markdown report of a plan: category shares (target, achieved, error) and per-source sampling. */
export function renderMixReportMarkdown(plan: MixPlan): string {
  const lines = [
    `# Mix plan: ${plan.preset}`,
    '',
    `Tokens counted with ${plan.tokenizer}; seed ${plan.seed}; ${plan.totalTokens} tokens in ${plan.records.length} samples.`,
    '',
    '| category | target share | achieved share | error (pp) | target tokens | selected tokens |',
    '|---|---:|---:|---:|---:|---:|',
    ...plan.categories.map((category) => `| ${category.category} | ${percent(category.targetShare)} | ${percent(category.achievedShare)} | ${category.errorPoints.toFixed(3)} | ${Math.round(category.targetTokens)} | ${category.selectedTokens} |`),
    '',
    '| source | category | records | available tokens | target tokens | selected tokens | samples | factor |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...plan.sources.map((source) => `| ${source.name} | ${source.category} | ${source.records} | ${source.availableTokens} | ${Math.round(source.targetTokens)} | ${source.selectedTokens} | ${source.samples} | ${source.factor.toFixed(3)}${source.factor > 1 + 1e-9 ? ' ⚠ up-sampled' : ''} |`),
  ];
  if (plan.warnings.length) lines.push('', '## Warnings', '', ...plan.warnings.map((warning) => `- ${warning}`));
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text: string): string => text.replace(/[<>&"]/gu, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[character]!);

/** A bar chart (SVG) of target versus achieved share per category. */
export function renderMixReportSvg(plan: MixPlan): string {
  const rowHeight = 44;
  const left = 170;
  const width = 640;
  const barWidth = width - left - 90;
  const height = 50 + plan.categories.length * rowHeight;
  const rows = plan.categories.map((category, index) => {
    const y = 40 + index * rowHeight;
    return [
      `<text x="10" y="${y + 16}" font-size="13">${escapeXml(category.category)}</text>`,
      `<rect x="${left}" y="${y}" width="${(category.targetShare * barWidth).toFixed(1)}" height="16" fill="#9db4d0"/>`,
      `<rect x="${left}" y="${y + 18}" width="${(category.achievedShare * barWidth).toFixed(1)}" height="16" fill="#2f6db5"/>`,
      `<text x="${left + category.targetShare * barWidth + 6}" y="${y + 13}" font-size="11">target ${percent(category.targetShare)}</text>`,
      `<text x="${left + category.achievedShare * barWidth + 6}" y="${y + 31}" font-size="11">achieved ${percent(category.achievedShare)}</text>`,
    ].join('');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><text x="10" y="22" font-size="15">Token shares, ${escapeXml(plan.preset)} mix (light: target, dark: achieved)</text>${rows.join('')}</svg>\n`;
}
