import { describe, expect, it } from 'vitest';
import { htmlToMarkdown } from './_html-to-markdown.js';

describe('htmlToMarkdown', () => {
  it('renders headings, paragraphs, lists, tables, code and quotes as Markdown blocks', () => {
    const html = `<!doctype html><html><head><title> 星河 帮助中心 </title><style>p{color:red}</style></head><body>
      <nav><a href="/">首页</a> › 帮助</nav>
      <h1>重置 <em>路由器</em></h1>
      <p>长按复位键
      十秒。Then <b>release</b> it.<br>指示灯变蓝。</p>
      <ul><li>一</li><li>二<ul><li>二点一</li></ul></li></ul>
      <ol start="3"><li>三</li><li>四</li></ol>
      <table><thead><tr><th>型号</th><th>价格|元</th></tr></thead>
        <tbody><tr><td><p>XH-1</p></td><td>299</td></tr><tr><td>XH-2</td></tr></tbody></table>
      <script>alert('x')</script>
      <div>外<div>内</div></div>
      <pre>ping 192.168.1.1
  -c 4</pre>
      <blockquote><p>注意</p><p>断电</p></blockquote>
    </body></html>`;
    expect(htmlToMarkdown(html)).toEqual({
      title: '星河 帮助中心',
      markdown: [
        '# 重置 路由器',
        // The line break between 键 and 十 is source wrapping: no space between Chinese characters.
        '长按复位键十秒。Then release it.\n指示灯变蓝。',
        '- 一\n- 二\n  - 二点一',
        '3. 三\n4. 四',
        '| 型号 | 价格\\|元 |\n| --- | --- |\n| XH-1 | 299 |\n| XH-2 |  |',
        '外',
        '内',
        '```\nping 192.168.1.1\n  -c 4\n```',
        '> 注意\n>\n> 断电',
      ].join('\n\n'),
    });
  });

  it('takes the first h1 as the title when there is no <title>', () => {
    expect(htmlToMarkdown('<h2>小节</h2><h1>主标题</h1><p>正文</p>').title).toBe('主标题');
  });

  it('has no title and no text for a page of only scripts and navigation', () => {
    expect(htmlToMarkdown('<nav>菜单</nav><script>var a = 1;</script>')).toEqual({ markdown: '' });
  });

  it('reads 5,000 nested <div>s (closed or not) as their text instead of overflowing the stack', () => {
    expect(htmlToMarkdown(`${'<div>'.repeat(5000)}深层正文${'</div>'.repeat(5000)}`)).toEqual({ markdown: '深层正文' });
    expect(htmlToMarkdown(`<p>前言</p>${'<div><span>'.repeat(5000)}未闭合的正文`)).toEqual({ markdown: '前言\n\n未闭合的正文' });
  });

  it('renders a table of 150,000 rows (too many to spread as arguments)', () => {
    const rows = Array.from({ length: 150_000 }, (_, index) => `<tr><td>${index}</td></tr>`).join('');
    const markdown = htmlToMarkdown(`<table>${rows}</table>`).markdown.split('\n');
    expect([markdown.length, markdown[0], markdown.at(-1)]).toEqual([150_001, '| 0 |', '| 149999 |']);
  });
});
