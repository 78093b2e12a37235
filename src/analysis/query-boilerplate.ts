/**
 * Words that frame a question rather than state its topic, dropped from queries only.
 *
 * Layperson questions wrap the topic in asking and hedging: `请问…怎么办`, `…是否…`,
 * `我应该如何…`, `…有哪些…`. Documents (statutes, manuals) never contain these frames, so matching
 * them only adds noise; worse, frames like `如何` and `什么` are common enough in some documents
 * (FAQ pages, definitions) to pull those up for every question. They are not document stopwords:
 * `是否` in a statute's text ("是否符合条件") can be content, so documents keep them and only the
 * query side drops them. Our own list, built from the shape of questions, not from any dataset's
 * labels; English interrogatives are already English stopwords.
 */
export const QUERY_BOILERPLATE: ReadonlySet<string> = new Set([
  // asking
  '请问', '问', '问一下', '想问', '咨询', '请教', '求助', '麻烦',
  // interrogatives
  '什么', '什么样', '啥', '怎么', '怎么样', '怎样', '如何', '怎么办', '咋办', '咋', '为什么', '为何',
  '哪', '哪些', '哪个', '哪里', '哪儿', '多少', '多久', '几', '谁',
  '是否', '能否', '可否', '是不是', '能不能', '可不可以', '会不会', '有没有', '要不要', '算不算',
  // hedging and modality of the asker
  '应该', '应当', '需要', '要', '能', '能够', '会', '可以', '可能', '一定', '必须',
  '情况', '情况下', '时候', '问题', '的话', '呢', '吗',
  // the asker
  '我', '我们', '本人', '自己',
]);
