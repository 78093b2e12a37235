/**
 * The built-in graph schemas (`hangjia graph schema <kb> --preset law|medicine|finance`), as the
 * YAML a user would write: copy one with `--preset … --print` and edit it.
 */
export const SCHEMA_PRESETS = {
  law: `# 法律法规：法律、条款、主体、行为、义务、罚则，以及期限与金额
name: law
description: 法律法规与内部制度
entities:
  法律:
    description: 一部法律、行政法规、规章或内部制度，以其名称标识（如 劳动合同法）
    attributes:
      - { name: 施行日期, type: date }
      - { name: 制定机关, type: text }
  条款:
    description: 法律中的一条，名称写作 法律名+第X条（如 劳动合同法第十九条）
    attributes:
      - { name: 期限, type: duration, multiple: true }
      - { name: 金额, type: amount, unit: 元, multiple: true }
      - { name: 比例, type: percent, multiple: true }
  文档:
    description: 法律以外的文件：内部制度、手册、协议、指南
  主体:
    description: 享有权利或承担义务的人或组织（用人单位、劳动者、消费者）
  行为:
    description: 条款规制的行为（订立劳动合同、解除劳动合同、加班）
  义务:
    description: 主体必须或不得做的事
  罚则:
    description: 违反规定的法律后果
    attributes:
      - { name: 罚款金额, type: amount, unit: 元, multiple: true }
  期限:
    description: 条款规定的时间限度（试用期上限、申请期限）
    attributes:
      - { name: 时长, type: duration }
  金额:
    description: 条款规定的数额（赔偿金、罚款、报销额度）
    attributes:
      - { name: 数额, type: amount, unit: 元 }
relations:
  - { name: 属于, from: 条款, to: [法律, 文档] }
  - { name: 引用, from: [条款, 法律, 文档], to: [条款, 法律, 文档] }
  - { name: 规定, from: 条款, to: [义务, 行为, 罚则, 期限, 金额] }
  - { name: 适用于, from: [条款, 义务, 罚则], to: 主体 }
  - { name: 承担, from: 主体, to: [义务, 罚则] }
  - { name: 违反, from: 行为, to: [义务, 条款] }
aliases:
  法律:
    劳动合同法: [中华人民共和国劳动合同法, 劳动合同法（2012修正）]
    劳动法: [中华人民共和国劳动法]
    个人信息保护法: [中华人民共和国个人信息保护法, 个保法]
normalize:
  stripPrefixes: [中华人民共和国]
`,
  medicine: `# 医学：疾病、症状、检查、药物、剂量、禁忌
name: medicine
description: 临床指南与药品说明书
entities:
  疾病:
    attributes:
      - { name: ICD编码, type: text }
  症状: {}
  检查:
    attributes:
      - { name: 参考范围, type: text }
  药物:
    description: 药品的通用名（如 阿莫西林）
    attributes:
      - { name: 规格, type: text, multiple: true }
      - { name: 给药途径, type: enum, values: [口服, 静脉, 肌注, 外用, 吸入, 其他] }
  剂量:
    description: 一种用法用量（如 成人每次0.5g，每日3次）
    attributes:
      - { name: 单次剂量, type: number, unit: mg }
      - { name: 频次, type: text }
      - { name: 疗程, type: duration }
  禁忌:
    description: 不能用药的情形（如 青霉素过敏）
relations:
  - { name: 治疗, from: 药物, to: 疾病 }
  - { name: 表现为, from: 疾病, to: 症状 }
  - { name: 需要检查, from: [疾病, 药物], to: 检查 }
  - { name: 禁忌, from: 药物, to: 禁忌 }
  - { name: 用量, from: 药物, to: 剂量 }
aliases:
  药物:
    阿莫西林: [Amoxicillin, 羟氨苄青霉素]
`,
  finance: `# 金融：产品、机构、费率、期限、风险等级
name: finance
description: 金融产品说明书与机构制度
entities:
  产品:
    attributes:
      - { name: 费率, type: percent, multiple: true }
      - { name: 期限, type: duration }
      - { name: 起购金额, type: amount, unit: 元 }
      - { name: 风险等级, type: enum, values: [R1, R2, R3, R4, R5] }
  机构:
    description: 银行、基金公司、保险公司
  费率:
    description: 一项收费（管理费、托管费、申购费）
    attributes:
      - { name: 费率值, type: percent }
  期限:
    attributes:
      - { name: 时长, type: duration }
  风险等级:
    description: 风险等级 R1–R5 及其含义
relations:
  - { name: 发行, from: 机构, to: 产品 }
  - { name: 销售, from: 机构, to: 产品 }
  - { name: 收取, from: 产品, to: 费率 }
  - { name: 属于, from: 产品, to: 风险等级 }
`,
} as const;

export type SchemaPresetName = keyof typeof SCHEMA_PRESETS;
export const SCHEMA_PRESET_NAMES = Object.keys(SCHEMA_PRESETS) as SchemaPresetName[];
