import { describe, expect, it } from 'vitest';
import { splitStatuteArticleTitle } from './statute-article-title.js';

describe('splitStatuteArticleTitle', () => {
  it('splits a statute article title into statute and article', () => {
    expect(splitStatuteArticleTitle('消费者权益保护法第四十七条')).toEqual({ statute: '消费者权益保护法', article: '第四十七条' });
    expect(splitStatuteArticleTitle('民法典第一千一百七十三条')).toEqual({ statute: '民法典', article: '第一千一百七十三条' });
    expect(splitStatuteArticleTitle('刑法第一百二十条之一')).toEqual({ statute: '刑法', article: '第一百二十条之一' });
    expect(splitStatuteArticleTitle('劳动法 第12条')).toEqual({ statute: '劳动法', article: '第12条' });
    expect(splitStatuteArticleTitle('最高人民法院关于审理民间借贷案件适用法律若干问题的规定第九条')).toEqual({
      statute: '最高人民法院关于审理民间借贷案件适用法律若干问题的规定',
      article: '第九条',
    });
  });

  it('leaves other titles alone', () => {
    expect(splitStatuteArticleTitle('第十九条')).toBeUndefined(); // a bare label names no statute
    expect(splitStatuteArticleTitle('劳动合同法')).toBeUndefined();
    expect(splitStatuteArticleTitle('第十九条的理解与适用')).toBeUndefined();
    expect(splitStatuteArticleTitle('XR-5400 User Guide')).toBeUndefined();
  });
});
