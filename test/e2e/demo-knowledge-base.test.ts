import path from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import { createKnowledgeBase, type KnowledgeBase } from '../../src/knowledge-base/index.js';
import { createDefaultComponents } from '../../src/presets/index.js';
import { useTemporaryDirectories } from '../support/temporary-directory.js';

const DEMO = path.resolve(import.meta.dirname, '../../demo/kb');

/**
 * The example queries of demo/README.md: each names the file that answers it and the phrase that
 * is the answer. The answer must be among the top three hits (a user reads the first screen).
 */
const EXAMPLES: Array<[query: string, file: string, phrase: string]> = [
  ['试用期最长可以多久？', 'policies/星河网络员工手册.txt', '试用期最长不得超过六个月'],
  ['年假有几天？', 'policies/星河网络员工手册.txt', '累计工作已满一年不满十年的，年假5天'],
  ['忘记管理员密码怎么办', 'manuals/XR-5400-用户手册.md', '按住侧面的 RESET 孔 10 秒'],
  ['how do I reset the router password', 'manuals/XR-5400-user-manual-en.md', 'press and hold the RESET button for 10 seconds'],
  ['How long is the warranty on the XR-5400?', 'support/warranty-returns-policy.docx', '24-month (two-year) limited warranty'],
  ['Mesh 3 Pro 三只装能覆盖多大面积？', 'manuals/mesh-3-pro-setup.html', '约 500 平方米'],
  ['1.4.2 固件修复了什么问题', 'manuals/XR-5400-release-notes.txt', '修复部分 iPhone 在 6GHz 频段下间歇性断流的问题'],
  ['买了路由器怎么开发票？', 'support/faq.csv', '订单详情页申请电子发票'],
  ["My laptop can't see the 6GHz network", 'support/knowledge-articles.jsonl', 'Windows 10 does not support the 6GHz band'],
  ['发现数据泄露要多久上报？', 'policies/数据安全与隐私保护制度.md', '应当在1小时内报告信息安全委员会'],
  ['How are firmware updates verified?', 'manuals/security-white-paper.pdf', 'signed with ECDSA P-256'],
  ['路由器应该放在哪里信号最好？', 'manuals/installation-quick-guide.pdf', '房屋中央、离地 1～1.5 米的开阔位置'],
];

const withoutSpaces = (text: string): string => text.replace(/\s+/g, '');

describe('the demo knowledge base', () => {
  const temporaryDirectory = useTemporaryDirectories();
  let kb: KnowledgeBase;

  beforeAll(async () => {
    const home = temporaryDirectory();
    kb = createKnowledgeBase(
      { home, name: 'demo', settings: { sources: [DEMO], include: [], exclude: [], maxFileBytes: DEFAULT_CONFIG.ingest.maxFileBytes, chunking: DEFAULT_CONFIG.chunking } },
      createDefaultComponents({ ...DEFAULT_CONFIG, embedding: { provider: 'none' } }),
    );
    const counters = await kb.sync();
    expect(counters).toMatchObject({ filesFound: 12, added: 12, failed: 0, warnings: [] });
  });
  afterAll(() => kb?.close());

  it.each(EXAMPLES)('answers %s from %s', async (query, file, phrase) => {
    const { hits } = await kb.search(query, { k: 3 });
    const answering = hits.filter((hit) => hit.documentPath === path.join(DEMO, file));
    expect(answering.length, `top 3: ${hits.map((hit) => path.relative(DEMO, hit.documentPath)).join(', ')}`).toBeGreaterThan(0);
    expect(answering.some((hit) => withoutSpaces(hit.chunk.text).includes(withoutSpaces(phrase)))).toBe(true);
  });
});
