import iconv from 'iconv-lite';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTemporaryFolder, readFixture, writeFiles } from '../../../test/fixtures/source-fixture.js';
import { contentHash, documentId } from '../../documents/index.js';
import { HangjiaError } from '../../errors/index.js';
import { listSourceFiles } from '../list-source-files.js';
import { readSourceFile } from '../read-source-file.js';

const HANDBOOK = '星河网络员工手册\r\n第一章 总则\r\n第一条 为规范管理，制定本手册。';
const NORMALISED = '星河网络员工手册\n第一章 总则\n第一条 为规范管理，制定本手册。';

describe('text adapter', () => {
  it('reads a UTF-8 .txt into one normalised document titled by its first line when that line is a title', async () => {
    const folder = await makeTemporaryFolder();
    await writeFiles(folder, { 'policies/员工手册.txt': HANDBOOK });
    const { files } = await listSourceFiles([folder]);
    const { documents, warnings } = await readSourceFile(files[0]!);
    expect(warnings).toEqual([]);
    expect(documents).toEqual([
      {
        id: documentId('policies/员工手册.txt'),
        sourcePath: join(folder, 'policies/员工手册.txt'),
        format: 'txt',
        title: '星河网络员工手册',
        text: NORMALISED,
        contentHash: contentHash(NORMALISED),
        encoding: 'utf-8',
        metadata: { relativePath: 'policies/员工手册.txt' },
      },
    ]);
  });

  it('titles a .txt by its file name when the first line is a sentence or an article', async () => {
    // A sentence (it ends in 。) and a bare article heading are content, not titles.
    expect((await readFixture('notice.txt', Buffer.from('本通知自发布之日起施行。\n其他内容'))).documents[0]!.title).toBe('notice');
    expect((await readFixture('articles.txt', Buffer.from('第一条 总则\n内容'))).documents[0]!.title).toBe('articles');
    expect((await readFixture('law.txt', Buffer.from('《中华人民共和国劳动合同法》\n第一条 内容'))).documents[0]!.title).toBe('中华人民共和国劳动合同法');
  });

  it('reads GBK, UTF-8 with BOM, UTF-16 LE and BE with BOM to the same text', async () => {
    const variants: Array<[string, Uint8Array, string]> = [
      ['gbk.txt', iconv.encode(HANDBOOK, 'gbk'), 'gb18030'],
      ['bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HANDBOOK)]), 'utf-8'],
      ['le.text', iconv.encode(HANDBOOK, 'utf-16le', { addBOM: true }), 'utf-16le'],
      ['be.txt', iconv.encode(HANDBOOK, 'utf-16be', { addBOM: true }), 'utf-16be'],
    ];
    for (const [name, bytes, encoding] of variants) {
      const { documents } = await readFixture(name, bytes);
      expect([name, documents[0]!.text, documents[0]!.encoding]).toEqual([name, NORMALISED, encoding]);
    }
  });

  it('fails with E_SOURCE_EMPTY on a whitespace-only file', async () => {
    const error = await readFixture('blank.txt', ' \r\n\t\n').catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_EMPTY')).toBe(true);
    expect((error as HangjiaError).details.path).toMatch(/blank\.txt$/);
  });
});
