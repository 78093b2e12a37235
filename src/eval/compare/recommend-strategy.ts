/** The kinds of approach a comparison runs, in order of simplicity (ties in cost go to the simpler). */
export type StrategyKind = 'zero-shot' | 'few-shot' | 'rag' | 'rag+few-shot' | 'endpoint';

export const STRATEGY_KINDS: readonly StrategyKind[] = ['zero-shot', 'few-shot', 'rag', 'rag+few-shot', 'endpoint'];

/** What the rule needs of each strategy's result. */
export interface RecommendationInput {
  name: string;
  kind: StrategyKind;
  complete: boolean;
  accuracy: number | null;
  confidenceInterval: [number, number] | null;
  costPer1000Items: number | null;
  tokensPerItem: number | null;
}

/** Which approach the numbers support, and why, in words that never exceed the intervals. */
export interface Recommendation {
  /** The recommended strategy, or null when no run can be judged. */
  strategy: string | null;
  /** The most accurate eligible strategy. */
  best: string | null;
  /** Eligible strategies whose interval overlaps the best one's (the best included). */
  contenders: string[];
  /** `price` when every contender had a price, else `tokens` (tokens per question). */
  costBasis: 'price' | 'tokens';
  /** Strategies left out, with the reason. */
  excluded: Array<{ name: string; reason: string }>;
  /** The recommendation in one paragraph (Markdown). */
  statement: string;
}

/**
 * The decision rule, as printed in every `summary.md`. Written to answer "train or not" without
 * claiming more than the confidence intervals allow.
 */
export const RECOMMENDATION_RULE = [
  '1. Only complete runs are judged. Among them, the best strategy has the highest accuracy.',
  "2. Contenders are the strategies whose 95% bootstrap interval overlaps the best one's: the data do not separate them from the best.",
  "3. A fine-tuned endpoint is judged only if its interval lies wholly above RAG + few-shot's (or, when that was not run, the most accurate prompt-only strategy's): training must beat the best prompting with non-overlapping intervals, because it costs more to build, serve and keep current.",
  '4. The recommendation is the cheapest contender: by cost per 1,000 questions when every contender has a price, otherwise by tokens per question; ties go to the simpler approach (zero-shot, few-shot, RAG, RAG + few-shot, fine-tuned).',
  '5. Overlapping intervals are reported as "not separated", never as one strategy being better. Non-overlap of two 95% intervals is a conservative test; `hangjia eval diff <run-a> <run-b>` gives the paired McNemar p-value for any two runs.',
].join('\n');

/**
 * The rule for free-form answers (`eval compare` on a RAG question set), as printed in its
 * `summary.md`: the exam rule with the measure changed and a grounding check added.
 */
export const FREE_FORM_RECOMMENDATION_RULE = [
  '1. Only complete runs are judged. The measure is model-judged answer correctness when the comparison was judged (--judge), otherwise character F1 against the reference answers; the best strategy has the highest mean.',
  "2. A strategy that answers from retrieved passages is judged only if its faithfulness interval does not lie wholly below that of the most faithful such strategy, and likewise for citation precision: answers that go beyond their sources are not traded for a few points of correctness. Strategies that answer without passages (zero-shot, few-shot, another endpoint) have no sources to be faithful to; the report says so rather than scoring them.",
  "3. Contenders are the strategies whose 95% bootstrap interval of the measure overlaps the best one's: the data do not separate them from the best.",
  "4. A fine-tuned endpoint is judged only if its interval lies wholly above RAG + few-shot's (or, when that was not run, the best prompt-only strategy's).",
  '5. The recommendation is the cheapest contender: by cost per 1,000 questions when every contender has a price, otherwise by tokens per question; ties go to the simpler approach (zero-shot, few-shot, RAG, RAG + few-shot, fine-tuned).',
  '6. Overlapping intervals are reported as "not separated". Every other strategy is compared with the recommended one item by item: the mean difference of each measure with a paired bootstrap interval and the p-value of a paired randomization test.',
].join('\n');

/** Options for {@link recommendStrategy}. */
export interface RecommendStrategyOptions {
  /** What `accuracy` holds, in the statement's words. Default 'accuracy'. */
  measure?: string;
  /** Strategies left out before the rule runs (e.g. by the grounding check), with the reason; they are reported as excluded. */
  excluded?: ReadonlyArray<{ name: string; reason: string }>;
}

const formatAccuracy = (input: RecommendationInput): string =>
  `${input.accuracy!.toFixed(3)} [${input.confidenceInterval![0].toFixed(3)}, ${input.confidenceInterval![1].toFixed(3)}]`;

const overlaps = (left: [number, number], right: [number, number]): boolean => left[0] <= right[1] && right[0] <= left[1];

/**
 * Applies {@link RECOMMENDATION_RULE} to the results of a comparison.
 *
 * @example
 * recommendStrategy(rows).statement; // "The numbers support **rag** …"
 */
export function recommendStrategy(results: readonly RecommendationInput[], options: RecommendStrategyOptions = {}): Recommendation {
  const measure = options.measure ?? 'accuracy';
  const excluded: Recommendation['excluded'] = [...(options.excluded ?? [])];
  const judged: RecommendationInput[] = [];
  for (const result of results) {
    if (excluded.some((entry) => entry.name === result.name)) continue;
    if (!result.complete || result.accuracy === null || result.confidenceInterval === null) excluded.push({ name: result.name, reason: 'the run is incomplete' });
    else judged.push(result);
  }
  const prompted = judged.filter((result) => result.kind !== 'endpoint');
  const reference = prompted.find((result) => result.kind === 'rag+few-shot') ?? [...prompted].sort((left, right) => right.accuracy! - left.accuracy!)[0];
  const notes: string[] = [];
  const eligible: RecommendationInput[] = [...prompted];
  for (const endpoint of judged.filter((result) => result.kind === 'endpoint')) {
    if (reference === undefined) {
      eligible.push(endpoint);
      continue;
    }
    if (endpoint.confidenceInterval![0] > reference.confidenceInterval![1]) {
      eligible.push(endpoint);
      notes.push(`Fine-tuned **${endpoint.name}** (${formatAccuracy(endpoint)}) beats ${reference.name} (${formatAccuracy(reference)}) with non-overlapping intervals, so it is judged with the rest.`);
    } else {
      const reason = `its interval does not lie above ${reference.name}'s`;
      excluded.push({ name: endpoint.name, reason });
      notes.push(`Fine-tuning is not supported by these numbers: **${endpoint.name}** (${formatAccuracy(endpoint)}) does not beat ${reference.name} (${formatAccuracy(reference)}) with non-overlapping intervals.`);
    }
  }
  const simplicity = (result: RecommendationInput): number => STRATEGY_KINDS.indexOf(result.kind);
  if (eligible.length === 0) {
    return { strategy: null, best: null, contenders: [], costBasis: 'tokens', excluded, statement: ['No complete run to judge: rerun the comparison (runs resume where they stopped).', ...notes].join(' ') };
  }
  const best = [...eligible].sort((left, right) => right.accuracy! - left.accuracy! || simplicity(left) - simplicity(right))[0]!;
  const contenders = eligible.filter((result) => overlaps(result.confidenceInterval!, best.confidenceInterval!));
  const costBasis = contenders.every((result) => result.costPer1000Items !== null) ? 'price' : 'tokens';
  const cost = (result: RecommendationInput): number => (costBasis === 'price' ? result.costPer1000Items! : (result.tokensPerItem ?? Number.POSITIVE_INFINITY));
  const chosen = [...contenders].sort((left, right) => cost(left) - cost(right) || simplicity(left) - simplicity(right))[0]!;
  const basisWords = costBasis === 'price' ? 'cost per 1,000 questions' : 'tokens per question (no price for every contender)';
  const others = contenders.filter((result) => result !== chosen).map((result) => `${result.name} ${formatAccuracy(result)}`);
  let statement: string;
  if (others.length === 0) {
    statement = `The numbers support **${chosen.name}**: ${measure} ${formatAccuracy(chosen)}, and its 95% interval lies clear of every other judged strategy's.`;
  } else if (chosen === best) {
    statement = `The numbers support **${chosen.name}**: it has the highest ${measure}, ${formatAccuracy(chosen)}, and is the cheapest by ${basisWords} of the strategies the data do not separate from it (${others.join('; ')}); it is not shown to be better than those.`;
  } else {
    statement = `The numbers support **${chosen.name}**: ${measure} ${formatAccuracy(chosen)}, whose 95% interval overlaps the best strategy's (${best.name} ${formatAccuracy(best)}), so the data do not separate them; of the ${contenders.length} strategies within reach of the best it is the cheapest by ${basisWords}.`;
  }
  return { strategy: chosen.name, best: best.name, contenders: contenders.map((result) => result.name), costBasis, excluded, statement: [statement, ...notes].join(' ') };
}
