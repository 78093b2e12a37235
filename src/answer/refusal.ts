import { ANSWER_PROMPT_TEMPLATES } from '../prompt/index.js';

const MARKERS = /[[［]\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*[\]］]/gu;

/** What a Chinese refusal talks about: the sources the prompt gave. */
const SOURCE_ZH = '(?:知识库|资料|材料|文档|文件|上下文|参考资料|来源|所给内容|提供的内容|提供的信息|上述资料|以上资料|现有资料|检索结果)';
/** Saying they lack it. */
const LACK_ZH = '(?:没有|没|未|并未|并没有|不包含|不包括|不涉及|无|无法|不能|未能|不足以|不足|缺少|缺乏|找不到|查不到)';
/**
 * The rest of a Chinese refusal may only use refusal words: a tail built from these characters
 * says "related content / this question / an answer", while one with any other character
 * ("提到工资但是试用期最长六个月") makes a claim.
 */
const TAIL_ZH = '[相关涉及提到提及有关关于包含这个该此问题的回答答案信息内容资料材料说明记载规定具体明确任何找到可以用来足够直接与之所方面描述答复解答详细您你用户提出中里据此从而得出判断确定给出作出依据供参考到]*';
const APOLOGY_ZH = '(?:很?抱歉|对不起|不好意思)?';
/** The rest of an English refusal, as words with the spaces removed (see `bare`). */
const TAIL_EN = '(?:this|that|the|question|questions|information|about|topic|it|any|relevant|answer|answering|to|enough|details?|specific|regarding|your|query|on|in|subject|matter|above|provided|given|sources?|context|knowledgebase|documents?|such|an?|of|for|you|asked|here|anything|mention|mentioned|data|evidence|covered|related|available|based)*';
const APOLOGY_EN = '(?:(?:sorry|unfortunately|iamsorry|imsorry|iapologize)(?:but)?)?';

/**
 * Sentence shapes that decline to answer, Chinese and English, matched against the whole
 * sentence with `[n]` markers, spaces and punctuation removed (see {@link isRefusalSentence}).
 */
const REFUSAL_SENTENCES: readonly RegExp[] = [
  // 知识库中没有相关内容 / 资料中未提及此问题 / 提供的资料不足以回答这个问题 / 根据现有资料无法回答
  new RegExp(`^${APOLOGY_ZH}(?:根据|依据|从|在|按照)?(?:您|你)?(?:提供的|给出的|所给的|现有的?|上述|以上)?${SOURCE_ZH}(?:中|里|内|来看)?(?:的内容|的信息)?(?:中|里)?(?:并)?${LACK_ZH}${TAIL_ZH}$`, 'u'),
  // 抱歉，我无法回答这个问题 / 无法根据资料回答 / 暂无相关信息 / 没有找到相关信息 / 我不知道
  new RegExp(`^${APOLOGY_ZH}(?:我|本助手)?(?:无法|不能|没法|难以|暂时无法|暂无|没有找到|未找到|找不到|查不到|不知道|不清楚)(?:根据|依据|从)?(?:${SOURCE_ZH})?${TAIL_ZH}$`, 'u'),
  new RegExp(`^${APOLOGY_ZH.slice(0, -1)}$`, 'u'),
  // The (provided) sources / knowledge base / context do(es) not contain / cover / mention …
  new RegExp(
    `^${APOLOGY_EN}(?:basedon|accordingto)?(?:the|these|this|provided|given|available)*(?:knowledgebase|sources?|documents?|context|passages?|information|materials?|references?|texts?)(?:provided|given|above|available)?(?:does|do|did|is|are)?(?:not|nt)(?:seemto|appearto)?(?:contain|cover|covered|mention|include|provide|address|discuss|say|answer|have|specify|state)s?${TAIL_EN}$`,
    'u',
  ),
  // I cannot answer / I don't know / there is no relevant information / no relevant information was found
  new RegExp(
    `^${APOLOGY_EN}(?:i(?:cannot|cant|amunableto|munableto|amnotableto|mnotableto|dontknow|donotknow|donothave|donthave|couldnotfind|couldntfind|cannotfind|cantfind|wasunableto)(?:answer|find|determine|provide|help)?|thereis(?:no|notenough|insufficient)|thereisnt(?:enough)?|noneofthesources(?:mention|cover|contain)s?|nothinginthesources|no(?:relevant)?information(?:wasfound|isavailable)?)(?:basedon|from)?${TAIL_EN}$`,
    'u',
  ),
  new RegExp(`^${APOLOGY_EN.slice(0, -1)}$`, 'u'),
];

/**
 * Whether a reply only declines to answer: every sentence, with `[n]` markers, spaces and
 * punctuation removed, is a refusal — the fixed sentence the prompt asks for (either language: a
 * model may reply in the other one) or a paraphrase of it ("知识库中没有相关内容。", "资料中未提及。",
 * "The provided sources do not mention this."). A reply that answers part of the question and
 * says the rest is not covered makes claims, so it is no refusal. Tested on a table of real-world
 * replies in `refusal.test.ts`.
 *
 * @example
 * isRefusalReply('知识库中没有相关内容。'); // true
 * isRefusalReply('试用期不得超过六个月[1]。资料未提及工资。'); // false: it answers
 */
export function isRefusalReply(text: string): boolean {
  const sentences = text
    .normalize('NFKC')
    .replace(MARKERS, '')
    .split(/(?<=[。！？!?；;\n]|\.(?=\s|$))/u)
    .map(bare)
    .filter((sentence) => sentence !== '');
  return sentences.length > 0 && sentences.every(isRefusalSentence);
}

/** One sentence (in any form) that declines: the templates' fixed sentence or a paraphrase. */
export function isRefusalSentence(sentence: string): boolean {
  const text = bare(sentence.normalize('NFKC').replace(MARKERS, ''));
  if (text === '') return false;
  if (Object.values(ANSWER_PROMPT_TEMPLATES).some((template) => bare(template.notCovered) === text)) return true;
  return REFUSAL_SENTENCES.some((pattern) => pattern.test(text));
}

function bare(value: string): string {
  return value.replace(/[\p{P}\p{S}\s]/gu, '').toLowerCase();
}
