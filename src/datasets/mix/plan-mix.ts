/**
 * Token-ratio mixing against catastrophic forgetting (MISSION S7). Fine-tuning on domain data
 * alone erodes general ability; practitioners keep general data in the mix, by tokens:
 *
 * - `cpt` continued pre-training: domain ≤ 15 % of tokens (10–15 % is the range practitioners
 *   report; above it general ability drops sharply, and some base models need less). Default 15 %.
 * - `sft` supervised fine-tuning: about 1:1 domain:general.
 * - `hybrid` XuanYuan 2.0's single-stage hybrid tuning (Duxiaoman-DI/XuanYuan): pre-training text
 *   33 % = general 20 % + domain 13 %; instructions 67 % = general 46 % + domain 21 %.
 * - `custom` any shares by group (`domain`, `general`) or by group and kind (`domain-text`,
 *   `general-instruction`, …), summing to 1.
 *
 * Planning: count tokens per record; the target total is the largest mix that needs no
 * up-sampling (min over categories of available/share) unless `totalTokens` is given; each
 * category's target is split over its sources in proportion to their size (so all sources of a
 * category are sampled at the same rate); each source is sampled to its target (seeded, see
 * sampleToTarget). A source that must be repeated gets a warning with its factor; beyond
 * `maxUpsample` the ratio cannot be met and planMix throws E_MIX_RATIO.
 */
import { HangjiaError } from '../../errors/index.js';
import { recordText, type DatasetRecord } from '../dataset-record.js';
import { shuffledIndices } from '../_text.js';
import { createSeededRandom } from '../../support/index.js';
import { estimatedTokenCounter, type TokenCounter } from './token-counter.js';

export type MixPreset = 'cpt' | 'sft' | 'hybrid' | 'custom';
export const MIX_PRESETS: readonly MixPreset[] = ['cpt', 'sft', 'hybrid', 'custom'];

/** Category shares of each preset (fractions of all tokens). */
export const MIX_PRESET_RATIOS: Record<Exclude<MixPreset, 'custom'>, Record<string, number>> = {
  cpt: { domain: 0.15, general: 0.85 },
  sft: { domain: 0.5, general: 0.5 },
  hybrid: { 'general-text': 0.2, 'domain-text': 0.13, 'general-instruction': 0.46, 'domain-instruction': 0.21 },
};

export interface MixSource {
  /** Shown in reports; usually the file path. */
  name: string;
  records: DatasetRecord[];
  /** Pre-training text or instructions (default: the kind most of its records have). */
  kind?: 'text' | 'instruction';
}

export interface PlanMixOptions {
  domain: MixSource[];
  general: MixSource[];
  preset: MixPreset;
  /** Shares for `custom` (required), or overrides for a preset, e.g. `{ domain: 0.1, general: 0.9 }` with cpt. */
  ratios?: Record<string, number>;
  /** Token counter (default: estimatedTokenCounter). */
  tokenizer?: TokenCounter;
  /** Total tokens of the mix (default: the largest that needs no up-sampling). */
  totalTokens?: number;
  /** Largest repetition factor allowed for a source before the plan fails (default 4). */
  maxUpsample?: number;
  /** Seed for sample choice and output order (default 42). */
  seed?: number;
}

export interface MixSourcePlan {
  name: string;
  group: 'domain' | 'general';
  kind: 'text' | 'instruction';
  category: string;
  records: number;
  availableTokens: number;
  targetTokens: number;
  selectedTokens: number;
  /** Samples in the mix (repeats counted). */
  samples: number;
  /** targetTokens / availableTokens: above 1 means up-sampled. */
  factor: number;
}

export interface MixCategoryPlan {
  category: string;
  targetShare: number;
  achievedShare: number;
  /** achieved − target, in percentage points. */
  errorPoints: number;
  targetTokens: number;
  selectedTokens: number;
}

export interface MixPlan {
  preset: MixPreset;
  ratios: Record<string, number>;
  tokenizer: string;
  seed: number;
  totalTokens: number;
  sources: MixSourcePlan[];
  categories: MixCategoryPlan[];
  warnings: string[];
  /** The mix, interleaved in a seeded order. */
  records: DatasetRecord[];
}

/**
 * Plans (and draws) a token-ratio mix of domain and general sources.
 *
 * @example
 * const plan = await planMix({ preset: 'cpt', domain: [{ name: 'law.jsonl', records: law }], general: [{ name: 'wiki.jsonl', records: wiki }] });
 * plan.categories // [{ category: 'domain', targetShare: 0.15, achievedShare: 0.1499, … }, …]
 */
export async function planMix(options: PlanMixOptions): Promise<MixPlan> {
  const tokenizer = options.tokenizer ?? estimatedTokenCounter;
  const seed = options.seed ?? 42;
  const maxUpsample = options.maxUpsample ?? 4;
  const ratios = resolveRatios(options.preset, options.ratios);
  const byKind = Object.keys(ratios).some((key) => key.includes('-'));
  const warnings: string[] = [];
  if (options.preset === 'cpt' && (ratios.domain ?? 0) > 0.15) warnings.push(`domain share ${(ratios.domain! * 100).toFixed(1)} % is above the 15 % that continued pre-training tolerates before general ability drops.`);

  const prepared: { source: MixSource; plan: MixSourcePlan; tokens: number[] }[] = [];
  for (const [group, sources] of [['domain', options.domain], ['general', options.general]] as const) {
    for (const source of sources) {
      const tokens = await tokenizer.countTokens(source.records.map(recordText));
      const kind = source.kind ?? (source.records.filter((record) => record.kind === 'text').length * 2 > source.records.length ? 'text' : 'instruction');
      const category = byKind ? `${group}-${kind}` : group;
      const availableTokens = tokens.reduce((sum, count) => sum + count, 0);
      prepared.push({ source, tokens, plan: { name: source.name, group, kind, category, records: source.records.length, availableTokens, targetTokens: 0, selectedTokens: 0, samples: 0, factor: 0 } });
    }
  }

  const available = new Map<string, number>();
  for (const { plan } of prepared) available.set(plan.category, (available.get(plan.category) ?? 0) + plan.availableTokens);
  for (const [category, share] of Object.entries(ratios)) {
    if (share > 0 && !(available.get(category)! > 0)) {
      throw new HangjiaError('E_MIX_RATIO', `The ${options.preset} mix needs ${(share * 100).toFixed(1)} % ${describeCategory(category)}, but no ${describeCategory(category)} source has any tokens. Add one (${category.startsWith('domain') ? '--domain' : '--general'} <file>) or choose ratios without it.`, { details: { category, share, preset: options.preset } });
    }
  }
  for (const { plan } of prepared) if (!(plan.category in ratios) || ratios[plan.category] === 0) warnings.push(`${plan.name} is not used: its category ${plan.category} has no share in the ${options.preset} ratios.`);

  const fit = Math.min(...Object.entries(ratios).filter(([, share]) => share > 0).map(([category, share]) => available.get(category)! / share));
  const totalTokens = options.totalTokens ?? Math.floor(fit);
  const random = createSeededRandom(seed);
  const chosen: DatasetRecord[] = [];
  for (const { source, plan, tokens } of prepared) {
    const share = ratios[plan.category] ?? 0;
    const categoryAvailable = available.get(plan.category)!;
    plan.targetTokens = share === 0 ? 0 : (share * totalTokens * plan.availableTokens) / categoryAvailable;
    plan.factor = plan.availableTokens === 0 ? 0 : plan.targetTokens / plan.availableTokens;
    if (plan.factor > maxUpsample + 1e-9) {
      throw new HangjiaError(
        'E_MIX_RATIO',
        `The ${options.preset} ratios cannot be met: ${plan.name} (${plan.category}) would have to be repeated ${plan.factor.toFixed(2)}× (${Math.round(plan.targetTokens)} tokens from ${plan.availableTokens}), more than the allowed ${maxUpsample}×. Add ${plan.category} data, lower the total, or raise maxUpsample.`,
        { details: { source: plan.name, category: plan.category, factor: plan.factor, maxUpsample } },
      );
    }
    if (plan.factor > 1 + 1e-9) warnings.push(`${plan.name} is up-sampled ×${plan.factor.toFixed(2)} (${plan.category}: ${Math.round(plan.targetTokens)} tokens wanted, ${plan.availableTokens} available); repeated data can be memorised.`);
    const picked = sampleToTarget(tokens, plan.targetTokens, Math.floor(random() * 0x7fffffff));
    for (const index of picked) {
      chosen.push(source.records[index]!);
      plan.selectedTokens += tokens[index]!;
    }
    plan.samples = picked.length;
  }

  const selectedTotal = prepared.reduce((sum, { plan }) => sum + plan.selectedTokens, 0);
  const categories: MixCategoryPlan[] = Object.entries(ratios).map(([category, targetShare]) => {
    const selectedTokens = prepared.filter(({ plan }) => plan.category === category).reduce((sum, { plan }) => sum + plan.selectedTokens, 0);
    const achievedShare = selectedTotal === 0 ? 0 : selectedTokens / selectedTotal;
    return { category, targetShare, achievedShare, errorPoints: (achievedShare - targetShare) * 100, targetTokens: targetShare * totalTokens, selectedTokens };
  });
  const worst = Math.max(...categories.map((category) => Math.abs(category.errorPoints)));
  if (worst > 0.5) warnings.push(`achieved shares are off by up to ${worst.toFixed(2)} percentage points: the sources are too small or their items too long for finer steps.`);
  const order = shuffledIndices(chosen.length, seed);
  return { preset: options.preset, ratios, tokenizer: tokenizer.name, seed, totalTokens: selectedTotal, sources: prepared.map(({ plan }) => plan), categories, warnings, records: order.map((index) => chosen[index]!) };
}

function describeCategory(category: string): string {
  return category.replace('-', ' ').replace('text', 'pre-training text').replace('instruction', 'instruction');
}

/** The preset's shares, or validated custom ones. */
export function resolveRatios(preset: MixPreset, ratios: Record<string, number> | undefined): Record<string, number> {
  if (preset === 'custom' && !ratios) throw new HangjiaError('E_USAGE', 'The custom preset needs ratios, e.g. domain=0.3,general=0.7 or domain-text=0.2,general-text=0.8.', { details: { setting: 'ratios' } });
  const resolved = ratios ?? MIX_PRESET_RATIOS[preset as Exclude<MixPreset, 'custom'>];
  const allowed = /^(domain|general)(-(text|instruction))?$/u;
  const keys = Object.keys(resolved);
  const mixed = keys.some((key) => key.includes('-')) && keys.some((key) => !key.includes('-'));
  for (const [key, value] of Object.entries(resolved)) {
    if (!allowed.test(key)) throw new HangjiaError('E_USAGE', `Unknown mix category "${key}"; use domain, general, or domain-text, domain-instruction, general-text, general-instruction.`, { details: { setting: 'ratios', value: key } });
    if (!(value >= 0 && value <= 1)) throw new HangjiaError('E_USAGE', `The share of ${key} must be between 0 and 1; got ${value}.`, { details: { setting: 'ratios', value } });
  }
  if (mixed) throw new HangjiaError('E_USAGE', `Mix ratios must name either groups (domain, general) or group-kind pairs (domain-text, …), not both; got ${keys.join(', ')}.`, { details: { setting: 'ratios', value: keys } });
  const sum = Object.values(resolved).reduce((total, value) => total + value, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new HangjiaError('E_USAGE', `Mix ratios must sum to 1; ${keys.map((key) => `${key}=${resolved[key]}`).join(', ')} sum to ${sum.toFixed(4)}.`, { details: { setting: 'ratios', value: resolved } });
  return { ...resolved };
}

/**
 * Indices of items (repeats allowed) whose tokens add up close to `target`. Whole copies first
 * (⌊target / total⌋ passes over every item), then the remainder from a seeded shuffle: take each
 * item that still fits, then, if the gap left is more than half of some unused item, add the
 * unused item that brings the sum closest to the target. The remainder is within half the
 * smallest item of the target whenever the items allow it, which keeps mixes of long and short
 * items on ratio.
 */
export function sampleToTarget(tokens: readonly number[], target: number, seed: number): number[] {
  const total = tokens.reduce((sum, count) => sum + count, 0);
  if (total === 0 || target <= 0) return [];
  const picked: number[] = [];
  const copies = Math.floor(target / total + 1e-9);
  for (let copy = 0; copy < copies; copy += 1) for (let index = 0; index < tokens.length; index += 1) picked.push(index);
  let remaining = target - copies * total;
  const order = shuffledIndices(tokens.length, seed);
  const unused: number[] = [];
  for (const index of order) {
    if (tokens[index]! <= remaining) {
      picked.push(index);
      remaining -= tokens[index]!;
    } else unused.push(index);
  }
  let best: number | undefined;
  for (const index of unused) if (Math.abs(remaining - tokens[index]!) < Math.abs(remaining - (best === undefined ? 0 : tokens[best]!))) best = index;
  if (best !== undefined) picked.push(best);
  return picked;
}
