import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures/source-fixture.js';
import { HangjiaError } from '../../errors/index.js';

const PAGE = `<html><head><meta charset="gb2312"><title>常见问题｜星河网络</title></head><body>
<nav>首页 › 支持</nav><h1>忘记管理员密码</h1><p>长按 RESET 键 10 秒恢复出厂设置。</p>
<table><tr><th>指示灯</th><th>含义</th></tr><tr><td>蓝色常亮</td><td>联网正常</td></tr></table></body></html>`;

describe('html adapter', () => {
  it('converts GB18030 HTML to Markdown-shaped text titled by <title>', async () => {
    const { documents } = await readFixture('faq.htm', iconv.encode(PAGE, 'gb18030'));
    expect(documents[0]).toMatchObject({
      format: 'html',
      encoding: 'gb18030',
      title: '常见问题｜星河网络',
      text: '# 忘记管理员密码\n\n长按 RESET 键 10 秒恢复出厂设置。\n\n| 指示灯 | 含义 |\n| --- | --- |\n| 蓝色常亮 | 联网正常 |',
    });
  });

  it('fails with E_SOURCE_EMPTY when only navigation and scripts have text', async () => {
    const error = await readFixture('menu.html', '<nav>菜单</nav><script>x()</script>').catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_EMPTY')).toBe(true);
  });
});
