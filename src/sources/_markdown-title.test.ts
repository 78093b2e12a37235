import { describe, expect, it } from 'vitest';
import { markdownTitle } from './_markdown-title.js';

describe('markdownTitle', () => {
  it('takes the first ATX heading of any level, without closing hashes', () => {
    expect(markdownTitle('前言\n\n## 数据安全与隐私保护制度 ##\n\n# 第一章')).toBe('数据安全与隐私保护制度');
  });

  it('takes a setext heading', () => {
    expect(markdownTitle('用户手册\n====\n\n正文')).toBe('用户手册');
  });

  it('ignores headings inside fenced code', () => {
    expect(markdownTitle('```bash\n# not a title\n```\n# 真标题')).toBe('真标题');
  });

  it('prefers a front matter title, and never mistakes front matter for a setext heading', () => {
    expect(markdownTitle('---\ntitle: "路由器 FAQ"\n---\n# 其他')).toBe('路由器 FAQ');
    expect(markdownTitle('---\nversion: 2\n---\n\n# 正式标题')).toBe('正式标题');
  });

  it('is undefined without headings; a hash without a space is not a heading', () => {
    expect(markdownTitle('#hashtag\n正文')).toBeUndefined();
  });
});
