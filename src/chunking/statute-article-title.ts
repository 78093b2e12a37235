/** A trailing statute article designation: 第四十七条, 第12条, 第一百零二条之一. */
const TRAILING_ARTICLE = /\s*第[\d０-９一二三四五六七八九十百千零〇两]+条(之[一二三四五六七八九十]+)?$/u;

/** A title that names one article of a statute, split into the statute and the article label. */
export interface StatuteArticleTitle {
  /** The statute's name: `消费者权益保护法`. */
  statute: string;
  /** The article label: `第四十七条`. */
  article: string;
}

/**
 * Splits a title like `消费者权益保护法第四十七条` (a statute exported one article per row or
 * file) into the statute and the article, so that articles of one statute can be grouped as the
 * chunks of one statute file are. Undefined for any other title, including a bare article label.
 *
 * @example
 * splitStatuteArticleTitle('最高人民法院关于审理民间借贷案件适用法律若干问题的规定第九条')
 * // → { statute: '最高人民法院关于审理民间借贷案件适用法律若干问题的规定', article: '第九条' }
 */
export function splitStatuteArticleTitle(title: string): StatuteArticleTitle | undefined {
  const match = TRAILING_ARTICLE.exec(title);
  if (!match || match.index === 0) return undefined;
  return { statute: title.slice(0, match.index), article: match[0].trim() };
}
