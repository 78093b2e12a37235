import type { PlanExample } from './actions-file.js';

/** Built-in solved plans over the starter actions: the few-shot pool when an actions file brings none. */
export const STARTER_PLAN_EXAMPLES: readonly PlanExample[] = [
  {
    question: '房东不退押金还扣了我两个月租金，每月3000元，我能要回多少、去哪里起诉？',
    plan: `1. deposit = FIND_ARTICLE("民法典", "租赁 押金 返还")
2. amount = COMPUTE("3000*2")
3. court = FIND_ARTICLE("民事诉讼法", "合同纠纷 管辖 法院")
4. answer = APPLY(deposit, question)`,
  },
  {
    question: '劳动合同期限两年，试用期最长可以约定多久？',
    plan: `1. rule = FIND_ARTICLE("劳动合同法", "试用期 期限")
2. answer = APPLY(rule, question)`,
  },
  {
    question: '民法典第五百八十五条规定的违约金过高怎么办？',
    plan: `1. article = GET_ARTICLE("民法典", "第五百八十五条")
2. answer = EXTRACT(article, "违约金过高时如何调整")`,
  },
  {
    question: '消费者权益保护法和产品质量法对缺陷产品的赔偿规定有什么不同？',
    plan: `1. consumer = FIND_ARTICLE("消费者权益保护法", "缺陷产品 赔偿")
2. quality = FIND_ARTICLE("产品质量法", "缺陷产品 赔偿")
3. answer = COMPARE(consumer, quality)`,
  },
  {
    question: '2024年3月1日收到判决书，上诉期限到哪天？',
    plan: `1. rule = FIND("判决 上诉期限")
2. days = EXTRACT(rule, "上诉期限的天数")
3. last = DEADLINE("2024-03-01", 15, "day")
4. answer = APPLY(rule, question)`,
  },
  {
    question: '个体工商户可以由谁申请设立？',
    plan: `1. found = FIND("个体工商户 登记 经营能力")
2. answer = SUMMARIZE(found)`,
  },
];
