import type { TextSpan } from '../../chunking/index.js';
import {
  EntityNames,
  extractFactsWithModel,
  extractRuleFacts,
  findAttribute,
  normalizeValue,
  resolveOwnDocument,
  RULE_ATTRIBUTES,
  type AttributeType,
  type ExtractedFact,
  type GraphSchema,
} from '../../graph/index.js';
import { HangjiaError } from '../../errors/index.js';
import type { LanguageModel } from '../../models/index.js';
import { bootstrapStatisticInterval, DEFAULT_BOOTSTRAP_RESAMPLES } from '../exam/index.js';
import type { ExtractionGoldItem } from './extraction-gold.js';

/** What is compared: an entity mention, an attribute value, a relation. */
export type ExtractionKind = 'entities' | 'attributes' | 'relations';
/** `exact`: the same fact with the same evidence span; `partial`: the same fact with overlapping spans. */
export type SpanMatch = 'exact' | 'partial';

/** One fact in comparable form: its identity (type, resolved names, normalized value) and its span. */
export interface ComparableFact {
  kind: ExtractionKind;
  /** Entity type, attribute name, or relation name: what per-type scores group by. */
  type: string;
  identity: string;
  span: TextSpan;
}

export interface PrecisionRecall {
  gold: number;
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
  /** Percentile-bootstrap 95 % intervals over items (undefined without items). */
  precisionInterval?: [number, number];
  recallInterval?: [number, number];
  f1Interval?: [number, number];
}

export interface ExtractionEvaluation {
  items: number;
  extractor: 'rules' | 'rules+model';
  /** Per kind and span match: the micro-averaged scores with intervals. */
  scores: Record<ExtractionKind, Record<SpanMatch, PrecisionRecall>>;
  /** Per kind, per type (entity type, attribute, relation): exact and partial scores (no intervals). */
  byType: Record<ExtractionKind, Record<string, Record<SpanMatch, PrecisionRecall>>>;
  /** Per item, what was missed and what was extra (exact match), for reading the errors. */
  errors: Array<{ id: string; missed: ComparableFact[]; extra: ComparableFact[] }>;
  /** Model calls: replies off the schema and facts grounding rejected. */
  model?: { invalidReplies: number; rejected: number; usage: { inputTokens: number; outputTokens: number } };
}

const RULE_ATTRIBUTE_TYPES: Record<string, AttributeType> = {
  [RULE_ATTRIBUTES.amount]: 'amount',
  [RULE_ATTRIBUTES.duration]: 'duration',
  [RULE_ATTRIBUTES.date]: 'date',
  [RULE_ATTRIBUTES.percentage]: 'percent',
};

/**
 * The facts the extractors find in each gold item's text: the model-free rules always, and the
 * model (through the same `extractFactsWithModel` as `graph build`, grounding included) when one
 * is given with a schema. `@document` references are named after the item's document title, as
 * the graph names them.
 */
export async function predictExtraction(
  items: readonly ExtractionGoldItem[],
  options: { model?: LanguageModel; schema?: GraphSchema; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ predictions: ExtractedFact[][]; model?: NonNullable<ExtractionEvaluation['model']> }> {
  const predictions: ExtractedFact[][] = [];
  const model = options.model && options.schema ? { invalidReplies: 0, rejected: 0, usage: { inputTokens: 0, outputTokens: 0 } } : undefined;
  for (const [index, item] of items.entries()) {
    const facts = extractRuleFacts(item.text, item.headingPath);
    if (options.model && options.schema && model) {
      try {
        const extracted = await extractFactsWithModel(options.model, options.schema, { text: item.text, documentTitle: item.documentTitle, headingPath: item.headingPath }, options.signal ? { signal: options.signal } : {});
        facts.push(...extracted.facts);
        model.rejected += extracted.rejected.length;
        model.usage.inputTokens += extracted.usage.inputTokens ?? 0;
        model.usage.outputTokens += extracted.usage.outputTokens ?? 0;
      } catch (error) {
        if (!HangjiaError.is(error, 'E_MODEL_OUTPUT')) throw error;
        model.invalidReplies++;
      }
    }
    predictions.push(facts);
    options.onProgress?.(index + 1, items.length);
  }
  return { predictions, ...(model ? { model } : {}) };
}

/**
 * Precision, recall and F1 of predicted facts against the gold labels, for entities, attributes
 * and relations, with exact and partial span matching, overall (micro-averaged, with percentile
 * bootstrap intervals over items: Efron & Tibshirani 1993) and per type.
 *
 * Two facts are the same fact when their kind, types and names (resolved as the graph resolves
 * them: aliases, full-width forms, 《》, the 中华人民共和国 prefix, 第十九条 = 第19条) and their
 * normalized values agree (六个月 = 6个月). Each gold label matches at most one prediction.
 */
export function evaluateExtraction(
  items: readonly ExtractionGoldItem[],
  predictions: readonly ExtractedFact[][],
  options: { schema?: GraphSchema; seed?: number; resamples?: number; extractor?: ExtractionEvaluation['extractor']; model?: ExtractionEvaluation['model'] } = {},
): ExtractionEvaluation {
  const names = new EntityNames(options.schema);
  const kinds: ExtractionKind[] = ['entities', 'attributes', 'relations'];
  const modes: SpanMatch[] = ['exact', 'partial'];
  // counts[item][kind][mode] = { gold, predicted, correct } overall and per type
  const perItem = items.map((item, index) => {
    const gold = goldFacts(item, names, options.schema);
    const predicted = (predictions[index] ?? []).flatMap((fact) => comparable(fact, item, names, options.schema));
    const result = {} as Record<ExtractionKind, Record<SpanMatch, Map<string, { gold: number; predicted: number; correct: number }>>>;
    const errors = { id: item.id, missed: [] as ComparableFact[], extra: [] as ComparableFact[] };
    for (const kind of kinds) {
      result[kind] = { exact: new Map(), partial: new Map() };
      const goldOfKind = gold.filter((fact) => fact.kind === kind);
      const predictedOfKind = dedupe(predicted.filter((fact) => fact.kind === kind));
      for (const mode of modes) {
        const matched = matchFacts(goldOfKind, predictedOfKind, mode);
        const tally = result[kind][mode];
        const bump = (type: string, field: 'gold' | 'predicted' | 'correct'): void => {
          for (const key of ['', type]) {
            const entry = tally.get(key) ?? { gold: 0, predicted: 0, correct: 0 };
            entry[field]++;
            tally.set(key, entry);
          }
        };
        for (const fact of goldOfKind) bump(fact.type, 'gold');
        for (const fact of predictedOfKind) bump(fact.type, 'predicted');
        for (const index of matched.goldMatched) bump(goldOfKind[index]!.type, 'correct');
        if (mode === 'exact') {
          errors.missed.push(...goldOfKind.filter((_, goldIndex) => !matched.goldMatched.has(goldIndex)));
          errors.extra.push(...predictedOfKind.filter((_, predictedIndex) => !matched.predictedMatched.has(predictedIndex)));
        }
      }
    }
    return { result, errors };
  });

  const scores = {} as ExtractionEvaluation['scores'];
  const byType = {} as ExtractionEvaluation['byType'];
  for (const kind of kinds) {
    scores[kind] = {} as Record<SpanMatch, PrecisionRecall>;
    byType[kind] = {};
    for (const mode of modes) {
      const counts = perItem.map(({ result }) => result[kind][mode].get('') ?? { gold: 0, predicted: 0, correct: 0 });
      scores[kind][mode] = withIntervals(counts, options.seed ?? 0, options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES);
      const types = new Set(perItem.flatMap(({ result }) => [...result[kind][mode].keys()].filter((key) => key !== '')));
      for (const type of [...types].sort()) {
        byType[kind][type] ??= {} as Record<SpanMatch, PrecisionRecall>;
        byType[kind][type]![mode] = prf(sum(perItem.map(({ result }) => result[kind][mode].get(type) ?? { gold: 0, predicted: 0, correct: 0 })));
      }
    }
  }
  return {
    items: items.length,
    extractor: options.extractor ?? 'rules',
    scores,
    byType,
    errors: perItem.map(({ errors }) => errors).filter((errors) => errors.missed.length + errors.extra.length > 0),
    ...(options.model ? { model: options.model } : {}),
  };
}

function goldFacts(item: ExtractionGoldItem, names: EntityNames, schema: GraphSchema | undefined): ComparableFact[] {
  const key = (type: string, name: string): string => `${type}:${names.resolve(type, name).key}`;
  return [
    ...item.entities.map((entity) => ({ kind: 'entities' as const, type: entity.type, identity: key(entity.type, entity.name), span: entity.span })),
    ...item.attributes.map((attribute) => ({
      kind: 'attributes' as const,
      type: attribute.attribute,
      identity: `${key(attribute.entityType, attribute.entity)}.${attribute.attribute}=${normalizeAttribute(attribute.entityType, attribute.attribute, attribute.value, schema)}`,
      span: attribute.span,
    })),
    ...item.relations.map((relation) => ({ kind: 'relations' as const, type: relation.relation, identity: `${key(relation.fromType, relation.from)}-${relation.relation}->${key(relation.toType, relation.to)}`, span: relation.span })),
  ];
}

function comparable(fact: ExtractedFact, item: ExtractionGoldItem, names: EntityNames, schema: GraphSchema | undefined): ComparableFact[] {
  const own = (reference: ExtractedFact['subject']) => resolveOwnDocument(reference, item.documentTitle).entity;
  const key = (reference: ExtractedFact['subject']): string => {
    const entity = own(reference);
    return `${entity.type}:${names.resolve(entity.type, entity.name).key}`;
  };
  if (fact.kind === 'entity') return [{ kind: 'entities', type: own(fact.subject).type, identity: key(fact.subject), span: fact.evidence }];
  if (fact.kind === 'attribute') {
    const subject = own(fact.subject);
    const value = fact.normalized ?? normalizeAttribute(subject.type, fact.predicate ?? '', fact.value ?? '', schema);
    return [{ kind: 'attributes', type: fact.predicate ?? '', identity: `${key(fact.subject)}.${fact.predicate}=${value}`, span: fact.evidence }];
  }
  // A document naming itself (its title line) is no relation, as in the graph.
  if (!fact.object || key(fact.subject) === key(fact.object)) return [];
  return [{ kind: 'relations', type: fact.predicate ?? '', identity: `${key(fact.subject)}-${fact.predicate}->${key(fact.object)}`, span: fact.evidence }];
}

function normalizeAttribute(entityType: string, attribute: string, value: string, schema: GraphSchema | undefined): string {
  const type = (schema ? findAttribute(schema, entityType, attribute)?.type : undefined) ?? RULE_ATTRIBUTE_TYPES[attribute] ?? 'text';
  return normalizeValue(value, type);
}

/** The same fact at the same span, predicted twice (two extractors), counts once. */
function dedupe(facts: ComparableFact[]): ComparableFact[] {
  const seen = new Set<string>();
  return facts.filter((fact) => {
    const key = `${fact.identity}@${fact.span.start}-${fact.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Greedy one-to-one matching in text order; `partial` accepts overlapping spans. */
function matchFacts(gold: ComparableFact[], predicted: ComparableFact[], mode: SpanMatch): { goldMatched: Set<number>; predictedMatched: Set<number> } {
  const goldMatched = new Set<number>();
  const predictedMatched = new Set<number>();
  const spansAgree = (left: TextSpan, right: TextSpan): boolean => (mode === 'exact' ? left.start === right.start && left.end === right.end : left.start < right.end && right.start < left.end);
  // Exact span agreements first, so a partial match never takes the prediction an exact one needs.
  for (const pass of mode === 'exact' ? ['exact'] : ['exact', 'partial']) {
    gold.forEach((goldFact, goldIndex) => {
      if (goldMatched.has(goldIndex)) return;
      const found = predicted.findIndex((fact, index) => !predictedMatched.has(index) && fact.identity === goldFact.identity && (pass === 'exact' ? fact.span.start === goldFact.span.start && fact.span.end === goldFact.span.end : spansAgree(fact.span, goldFact.span)));
      if (found >= 0) {
        goldMatched.add(goldIndex);
        predictedMatched.add(found);
      }
    });
  }
  return { goldMatched, predictedMatched };
}

function sum(counts: Array<{ gold: number; predicted: number; correct: number }>): { gold: number; predicted: number; correct: number } {
  return counts.reduce((total, count) => ({ gold: total.gold + count.gold, predicted: total.predicted + count.predicted, correct: total.correct + count.correct }), { gold: 0, predicted: 0, correct: 0 });
}

function prf(count: { gold: number; predicted: number; correct: number }): PrecisionRecall {
  const precision = count.predicted === 0 ? 0 : count.correct / count.predicted;
  const recall = count.gold === 0 ? 0 : count.correct / count.gold;
  return { ...count, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/**
 * Micro-averaged scores with percentile-bootstrap intervals over items (`bootstrapStatisticInterval`:
 * each resample's summed counts give its precision, recall and F1).
 */
function withIntervals(counts: Array<{ gold: number; predicted: number; correct: number }>, seed: number, resamples: number): PrecisionRecall {
  const point = prf(sum(counts));
  const interval = (score: 'precision' | 'recall' | 'f1') => bootstrapStatisticInterval(counts, (sample) => prf(sum([...sample]))[score], { seed, resamples });
  const precisionInterval = interval('precision');
  const recallInterval = interval('recall');
  const f1Interval = interval('f1');
  return { ...point, ...(precisionInterval ? { precisionInterval } : {}), ...(recallInterval ? { recallInterval } : {}), ...(f1Interval ? { f1Interval } : {}) };
}
