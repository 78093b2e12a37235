import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures/source-fixture.js';

const POLICY = '---\nversion: 2\n---\n\n# 数据安全与隐私保护制度\n\n## 第一章 总则\n\n第一条　为保护用户数据，制定本制度。\n';

describe('markdown adapter', () => {
  it('keeps the Markdown as written and takes the first heading as title', async () => {
    const { documents } = await readFixture('data-policy.md', POLICY);
    expect(documents[0]).toMatchObject({ format: 'md', title: '数据安全与隐私保护制度', text: POLICY, encoding: 'utf-8' });
  });

  it('falls back to the file name without a heading', async () => {
    const { documents } = await readFixture('notes.markdown', '只有正文。');
    expect(documents[0]!.title).toBe('notes');
  });

  it('reads UTF-16 LE with a BOM', async () => {
    const { documents } = await readFixture('utf16.md', iconv.encode(POLICY, 'utf-16le', { addBOM: true }));
    expect([documents[0]!.title, documents[0]!.text, documents[0]!.encoding]).toEqual(['数据安全与隐私保护制度', POLICY, 'utf-16le']);
  });
});
