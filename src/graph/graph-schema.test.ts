import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import { parseGraphSchema, type SchemaProblem } from './graph-schema.js';
import { extractionJsonSchema, groundModelExtraction, locateEvidence } from './model-extraction.js';
import { SCHEMA_PRESET_NAMES, SCHEMA_PRESETS } from './schema-presets.js';
import { assertSupportedJsonSchema } from '../models/index.js';

function problemsOf(yaml: string): SchemaProblem[] {
  try {
    parseGraphSchema(yaml, 'bad.yaml');
  } catch (error) {
    if (HangjiaError.is(error, 'E_GRAPH_SCHEMA')) return error.details['problems'] as SchemaProblem[];
    throw error;
  }
  throw new Error('the schema parsed');
}

describe('graph schemas', () => {
  it.each(SCHEMA_PRESET_NAMES)('preset %s parses, and its extraction schema is one generateObject supports', (name) => {
    const schema = parseGraphSchema(SCHEMA_PRESETS[name], `preset:${name}`);
    expect(schema.name).toBe(name);
    expect(schema.entityTypes.length).toBeGreaterThanOrEqual(5);
    expect(() => assertSupportedJsonSchema(extractionJsonSchema(schema))).not.toThrow();
  });

  it('reads the law preset the issue asks for', () => {
    const schema = parseGraphSchema(SCHEMA_PRESETS.law);
    expect(schema.entityTypes.map((type) => type.name)).toEqual(['法律', '条款', '文档', '主体', '行为', '义务', '罚则', '期限', '金额']);
    expect(schema.relationTypes.find((relation) => relation.name === '规定')).toEqual({ name: '规定', from: ['条款'], to: ['义务', '行为', '罚则', '期限', '金额'] });
    expect(schema.entityTypes.find((type) => type.name === '期限')!.attributes).toEqual([{ name: '时长', type: 'duration', multiple: false }]);
    expect(schema.aliases['法律']!['劳动合同法']).toEqual(['中华人民共和国劳动合同法', '劳动合同法（2012修正）']);
  });

  it('names every problem by line, column and field', () => {
    const yaml = [
      'name: clinic', //                                    1
      'entities:', //                                       2
      '  药物:', //                                         3
      '    attributes:', //                                 4
      '      - { name: 剂量, type: dose }', //              5
      '      - { name: 途径, type: enum }', //              6
      '  疾病: {}', //                                      7
      'relations:', //                                      8
      '  - { name: 治疗, from: 药物, to: 症状 }', //        9
      '  - { from: 药物, to: 疾病, colour: red }', //       10
    ].join('\n');
    expect(problemsOf(yaml).map((problem) => `${problem.line}:${problem.field}: ${problem.message}`)).toEqual([
      '5:entities.药物.attributes[0].type: "dose" is not an attribute type; use one of text, number, amount, duration, date, percent, enum',
      '6:entities.药物.attributes[1].values: an enum attribute needs its values: values: [a, b]',
      '9:relations[0].to: "症状" is not an entity type of this schema (known: 药物, 疾病)',
      '10:relations[1].colour: unknown field; expected one of name, from, to, description',
      '10:relations[1].name: is required',
    ]);
  });

  it('reports YAML that does not parse with its line, in one error naming the file', () => {
    let error: unknown;
    try {
      parseGraphSchema('name: x\nentities:\n  药物: [unclosed\n', 'broken.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(HangjiaError.is(error, 'E_GRAPH_SCHEMA')).toBe(true);
    expect((error as Error).message).toMatch(/^The graph schema broken\.yaml has 1 problem:\n {2}broken\.yaml:\d+:\d+ \(yaml\): /u);
  });

  it('reads character folds, and refuses a fold that is not one character to one', () => {
    expect(parseGraphSchema('name: t\nentities:\n  法律: {}\nnormalize:\n  foldCharacters: { 勞: 劳, 動: 动 }\n').foldCharacters).toEqual({ 勞: '劳', 動: '动' });
    expect(problemsOf('name: t\nentities:\n  法律: {}\nnormalize:\n  foldCharacters: { 勞動: 劳动 }\n').map((problem) => `${problem.line}:${problem.field}: ${problem.message}`)).toEqual([
      '5:normalize.foldCharacters.勞動: must map one character to one character',
    ]);
  });

  it('rejects a schema with no entity types, and unknown top-level fields', () => {
    expect(problemsOf('name: empty\nentitys: {}\n').map((problem) => problem.field)).toEqual(['entitys', 'entities']);
  });
});

describe('grounding a model reply', () => {
  const schema = parseGraphSchema(SCHEMA_PRESETS.law);
  const text = '劳动合同期限三年以上的，试用期不得超过六个月。\n用人单位违反本法规定的，处以２０００元罚款。';

  it('finds evidence verbatim, or after NFKC without white space, mapping back to the chunk offsets', () => {
    expect(locateEvidence(text, '试用期不得超过六个月')).toEqual({ start: 12, end: 22 });
    expect(locateEvidence(text, '处以2000元 罚款')).toEqual({ start: 36, end: 45 });
    expect(locateEvidence(text, '试用期不得超过三个月')).toBeUndefined();
  });

  it('keeps grounded facts and rejects the rest with the reason', () => {
    const { facts, rejected } = groundModelExtraction(schema, text, {
      entities: [
        { type: '期限', name: '试用期上限', evidence: '试用期不得超过六个月' },
        { type: '主体', name: '用人单位', evidence: '用人单位违反本法规定的' },
      ],
      attributes: [
        { entityType: '期限', entity: '试用期上限', attribute: '时长', value: '6个月', evidence: '试用期不得超过六个月' },
        { entityType: '期限', entity: '试用期上限', attribute: '时长', value: '三个月', evidence: '试用期不得超过三个月' },
        { entityType: '主体', entity: '用人单位', attribute: '时长', value: '六个月', evidence: '试用期不得超过六个月' },
      ],
      relations: [
        { relation: '规定', fromType: '条款', from: '劳动合同法第十九条', toType: '期限', to: '试用期上限', evidence: '试用期不得超过六个月' },
        { relation: '规定', fromType: '主体', from: '用人单位', toType: '期限', to: '试用期上限', evidence: '试用期不得超过六个月' },
      ],
    });
    // An entity's name must be in its evidence (试用期上限 is the model's word, not the text's);
    // an attribute's value may be written otherwise (6个月 for 六个月).
    expect(facts.map((fact) => [fact.kind, fact.subject.name, fact.predicate ?? '', fact.normalized ?? fact.object?.name ?? '', text.slice(fact.evidence.start, fact.evidence.end)])).toEqual([
      ['entity', '用人单位', '', '', '用人单位违反本法规定的'],
      ['attribute', '试用期上限', '时长', '6 month', '试用期不得超过六个月'],
      ['relation', '劳动合同法第十九条', '规定', '试用期上限', '试用期不得超过六个月'],
    ]);
    expect(rejected.map((rejection) => rejection.reason)).toEqual([
      '"试用期上限" does not occur in its evidence "试用期不得超过六个月"',
      'evidence not found in the chunk: "试用期不得超过三个月"',
      'attribute "时长" is not defined for entity type "主体"',
      'relation "规定" does not go from 主体 to 期限 (schema: 条款 → 义务/行为/罚则/期限/金额)',
    ]);
  });
});
