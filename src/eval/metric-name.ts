import { HangjiaError } from '../errors/index.js';

/** The measures `evaluateRun` knows. */
export type Measure = 'ndcg' | 'recall' | 'mrr' | 'map';

/** A parsed metric name such as `ndcg@10`: the measure and its cutoff (`Infinity` when none). */
export interface MetricName {
  /** The name as given, used as the key in results. */
  name: string;
  measure: Measure;
  cutoff: number;
}

const MEASURES: readonly Measure[] = ['ndcg', 'recall', 'mrr', 'map'];

/**
 * Parses `ndcg@10`, `recall@100`, `mrr@10`, `map`, `map@1000`, … (lower case; the cutoff is a
 * positive integer and may be left out for the whole ranking). Throws `HangjiaError('E_USAGE')`
 * naming the bad value and the allowed forms.
 */
export function parseMetricName(name: string): MetricName {
  const match = /^([a-z]+)(?:@([1-9]\d*))?$/.exec(name);
  const measure = match?.[1] as Measure | undefined;
  if (match === null || measure === undefined || !MEASURES.includes(measure)) {
    throw new HangjiaError('E_USAGE', `Unknown metric "${name}". Expected one of ${MEASURES.join(', ')}, optionally with a cutoff: ndcg@10, recall@100, mrr@10, map.`, {
      details: { setting: 'metrics', value: name },
    });
  }
  return { name, measure, cutoff: match[2] === undefined ? Number.POSITIVE_INFINITY : Number(match[2]) };
}
