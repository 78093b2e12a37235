import type { TextSpan } from '../../chunking/index.js';
import { HangjiaError } from '../../errors/index.js';
import { readJsonLines } from '../_read-jsonl-lines.js';

/** A labelled entity mention. */
export interface GoldEntity {
  type: string;
  name: string;
  span: TextSpan;
}

/** A labelled attribute value of an entity. */
export interface GoldAttribute {
  entityType: string;
  entity: string;
  attribute: string;
  value: string;
  span: TextSpan;
}

/** A labelled relation between two entities. */
export interface GoldRelation {
  relation: string;
  fromType: string;
  from: string;
  toType: string;
  to: string;
  span: TextSpan;
}

/** One labelled text: a chunk as the extractors see it, with what a careful reader finds in it. */
export interface ExtractionGoldItem {
  id: string;
  /** Where the text comes from (documentation only). */
  source?: string;
  /** The document title: the extractors name the text's own document and articles after it. */
  documentTitle: string;
  headingPath: string[];
  text: string;
  entities: GoldEntity[];
  attributes: GoldAttribute[];
  relations: GoldRelation[];
}

/**
 * Reads a gold set for `eval extraction`, one JSON object per line:
 *
 * ```json
 * {"id": "labor-19", "documentTitle": "劳动合同法第十九条", "headingPath": [], "text": "…试用期不得超过六个月…",
 *  "entities":   [{"type": "法律", "name": "土地管理法", "evidence": "《土地管理法》"}],
 *  "attributes": [{"entityType": "条款", "entity": "劳动合同法第十九条", "attribute": "期限", "value": "六个月", "evidence": "六个月"}],
 *  "relations":  [{"relation": "引用", "fromType": "条款", "from": "…", "toType": "法律", "to": "…", "evidence": "《…》", "occurrence": 2}]}
 * ```
 *
 * A label's span is where its `evidence` occurs in `text` (the `occurrence`-th time, default the
 * first), or `start`/`end` given outright. A line that is not such an object, or whose evidence is
 * not in its text, throws `E_DATASET` naming the file, line and field.
 */
export function readExtractionGold(path: string): ExtractionGoldItem[] {
  return readJsonLines(path).map(({ value, line }) => {
    const fail = (field: string, message: string): never => {
      throw new HangjiaError('E_DATASET', `${path}:${line}: ${field}: ${message}`, { details: { path, line, field } });
    };
    const string = (object: Record<string, unknown>, key: string, field: string): string => {
      const found = object[key];
      return typeof found === 'string' && found !== '' ? found : fail(field, 'must be a non-empty string');
    };
    const text = string(value, 'text', 'text');
    const id = string(value, 'id', 'id');
    const headingPath = Array.isArray(value['headingPath']) ? (value['headingPath'] as unknown[]).map(String) : [];
    const labels = (key: string): Array<{ label: Record<string, unknown>; field: string; span: TextSpan }> => {
      const list = value[key] ?? [];
      if (!Array.isArray(list)) return fail(key, 'must be a list');
      return list.map((label: unknown, index) => {
        const field = `${key}[${index}]`;
        if (typeof label !== 'object' || label === null) return fail(field, 'must be an object');
        return { label: label as Record<string, unknown>, field, span: labelSpan(text, label as Record<string, unknown>, field, fail) };
      });
    };
    return {
      id,
      ...(typeof value['source'] === 'string' ? { source: value['source'] } : {}),
      documentTitle: string(value, 'documentTitle', 'documentTitle'),
      headingPath,
      text,
      entities: labels('entities').map(({ label, field, span }) => ({ type: string(label, 'type', `${field}.type`), name: string(label, 'name', `${field}.name`), span })),
      attributes: labels('attributes').map(({ label, field, span }) => ({
        entityType: string(label, 'entityType', `${field}.entityType`),
        entity: string(label, 'entity', `${field}.entity`),
        attribute: string(label, 'attribute', `${field}.attribute`),
        value: string(label, 'value', `${field}.value`),
        span,
      })),
      relations: labels('relations').map(({ label, field, span }) => ({
        relation: string(label, 'relation', `${field}.relation`),
        fromType: string(label, 'fromType', `${field}.fromType`),
        from: string(label, 'from', `${field}.from`),
        toType: string(label, 'toType', `${field}.toType`),
        to: string(label, 'to', `${field}.to`),
        span,
      })),
    };
  });
}

function labelSpan(text: string, label: Record<string, unknown>, field: string, fail: (field: string, message: string) => never): TextSpan {
  if (typeof label['start'] === 'number' && typeof label['end'] === 'number') {
    const { start, end } = label as { start: number; end: number };
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= text.length)) fail(`${field}.start`, `[${start}, ${end}) is not a span of the text (length ${text.length})`);
    return { start, end };
  }
  const evidence = label['evidence'];
  if (typeof evidence !== 'string' || evidence === '') return fail(`${field}.evidence`, 'must be a non-empty string (or give start and end)');
  const occurrence = label['occurrence'] === undefined ? 1 : Number(label['occurrence']);
  if (!Number.isInteger(occurrence) || occurrence < 1) return fail(`${field}.occurrence`, 'must be a whole number ≥ 1');
  let at = -1;
  for (let seen = 0; seen < occurrence; seen++) {
    at = text.indexOf(evidence, at + 1);
    if (at < 0) return fail(`${field}.evidence`, `"${evidence}" does not occur ${occurrence === 1 ? '' : `${occurrence} times `}in the text`);
  }
  return { start: at, end: at + evidence.length };
}
