/**
 * Phrases that make a question lean on a passage the reader will not have. A model fine-tuned on
 * "根据上文，试用期最长多久？" learns to expect a passage that is never there at inference time
 * (seed 002: self-QA questions must be answerable without the text), so such items are rejected
 * and regenerated.
 *
 * Chinese: 根据/依据/按照/结合 + 上文/本文/文中/原文/材料/资料/段落/以上/上述/所给…; bare 上文/本文/文中/
 * 原文/该文/这段话/这段文字/上述材料…. English: "according to / based on / in / from the passage,
 * text, document, article, excerpt, paragraph, context, material", "the above", "mentioned above",
 * "this passage".
 */
const PATTERNS: readonly RegExp[] = [
  /(?:根据|依据|按照|结合|基于|参考|阅读)(?:上文|下文|本文|文中|原文|全文|文章|材料|资料|段落|文段|短文|选段)/u,
  /(?:根据|依据|按照|结合|基于|参考)(?:以上|上述|上面|前面|所给|给定|提供的|这段|该段|此段|本段)(?:的)?(?:文字|文本|内容|信息|描述|材料|资料|段落|文章)/u,
  /(?:上文|下文|本文|文中|原文|该文|此文|选文|短文)(?:中|里|所|提到|提及|指出|描述|介绍|讲|说|的|认为|是|规定|记载|列举|给出|涉及|谈到)/u,
  /(?:这|该|此|本|上述|以上|上面|所给|给定)(?:一)?(?:段|篇|则)(?:话|文字|文本|材料|资料|内容|文章|短文|描述)/u,
  /(?:上述|以上|上面|前面)(?:的)?(?:材料|资料|内容|文字|段落|信息|描述|文章)/u,
  /\b(?:according to|based on|in|from|per|within|using)\s+(?:the|this|that|these|above|given|provided)\s+(?:(?:above|given|provided|following|preceding)\s+)?(?:passage|text|document|article|excerpt|paragraph|context|material|section|snippet|reading)s?\b/iu,
  /\b(?:the|this|that)\s+(?:passage|excerpt|paragraph|snippet)\b/iu,
  /\b(?:the|this)\s+(?:text|document|article|material)\s+(?:say|says|state|states|mention|mentions|describe|describes|suggest|suggests)\b/iu,
  /\b(?:mentioned|described|stated|discussed|given)\s+above\b/iu,
  /\bthe above\b/iu,
];

/**
 * The phrase that makes `question` depend on an unseen passage, or undefined when it stands alone.
 *
 * @example
 * findPassageReference('根据上文，试用期最长多久？') // '根据上文'
 * findPassageReference('劳动合同期限三年以上的，试用期最长多久？') // undefined
 */
export function findPassageReference(question: string): string | undefined {
  for (const pattern of PATTERNS) {
    const match = pattern.exec(question);
    if (match) return match[0];
  }
  return undefined;
}
