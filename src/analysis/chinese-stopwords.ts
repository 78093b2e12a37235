/**
 * Chinese words dropped from documents and queries alike.
 *
 * Our own list, kept short on purpose: structural particles, pronouns, copulas, conjunctions and
 * prepositions that carry grammar rather than topic. BM25's IDF already discounts frequent
 * content words (`规定`, `应当`, `人民法院`), and dropping them would lose phrases such as
 * `可以…提起诉讼`; so a word belongs here only if no question could be about it. Negations
 * (`不`, `无`, `未`) stay: "not liable" and "liable" are different questions. Single characters
 * that are also content morphemes (`上`, `下`, `中`) stay too, because jieba emits them alone in
 * `上诉` only when it failed to see the word, and then they are all the evidence we have.
 */
export const CHINESE_STOPWORDS: ReadonlySet<string> = new Set([
  // structural and aspect particles
  '的', '地', '得', '之', '了', '着', '过', '所', '者',
  // sentence-final and modal particles
  '吗', '呢', '吧', '啊', '呀', '么', '嘛', '哦', '哈', '啦', '罢了', '而已',
  // pronouns and demonstratives
  '我', '我们', '你', '你们', '您', '他', '他们', '她', '她们', '它', '它们', '其', '其他', '其它',
  '这', '那', '这个', '那个', '这些', '那些', '这样', '那样', '这种', '那种', '此', '该', '本', '各',
  '某', '自己', '咱们', '人家',
  // copulas and light verbs
  '是', '为', '有', '在', '乃',
  // conjunctions
  '和', '与', '及', '以及', '或', '或者', '并', '并且', '而', '而且', '但', '但是', '如果', '若',
  '即', '则', '因为', '所以', '因此', '虽然', '还是', '就是', '以便', '即使',
  // prepositions and coverbs
  '对', '对于', '于', '把', '被', '将', '从', '向', '以', '由', '给', '跟', '按', '按照', '关于',
  '通过', '根据', '依', '依照', '依据',
  // adverbs of degree and scope that never carry a topic
  '也', '都', '就', '还', '又', '再', '很', '更', '最', '已', '已经', '只', '仅',
  // measure-word fillers
  '个', '些', '一个', '一些', '等', '等等',
]);
