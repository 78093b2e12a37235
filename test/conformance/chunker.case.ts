/**
 * The conformance suite every `Chunker` runs (see `src/chunking/chunker.test.ts`): the contract the
 * index and citations rely on, whatever the splitting strategy.
 *
 * @example
 * runChunkerConformance('structured', () => createChunker());
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/documents/index.js';
import { DEFAULT_CHUNKING_OPTIONS, estimateTokens, type Chunk, type Chunker, type ChunkingOptions } from '../../src/chunking/index.js';

// A table slice may carry the table's header and separator rows in front of the source span.
const TABLE_HEADER_PREFIX = /^[^\n]*\|[^\n]*\n\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*\n$/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function makeDocument(id: string, text: string, title = `标题 ${id}`): Document {
  return {
    id,
    sourcePath: `/conformance/${id}.txt`,
    format: 'txt',
    title,
    text,
    contentHash: createHash('sha256').update(text).digest('hex'),
    metadata: {},
  };
}

const STATUTE = [
  '中华人民共和国示范法',
  '第一编　总则',
  '第一章　基本规定',
  '第一条　为了规范示范行为，保护当事人的合法权益，制定本法。',
  '第二条　' + '本法所称示范行为，是指依照本法规定进行的各类活动；'.repeat(30),
  '第二章　适用范围',
  '第一节 一般规定',
  '第三条　本法适用于境内。',
  '第十二条　依照本法第三条规定的情形，应当登记。',
].join('\n');

const MARKDOWN = [
  '# 产品手册',
  '',
  '概述一段。',
  '',
  '## 安装',
  '',
  ...Array.from({ length: 40 }, (_, row) => `安装步骤第${row + 1}步：连接电源，然后按下开关并等待指示灯变绿。`),
  '',
  '## 参数表',
  '',
  '| 型号 | 功率 | 说明 |',
  '| --- | ---: | --- |',
  ...Array.from({ length: 60 }, (_, row) => `| X-${row} | ${row * 10}W | 适用于家庭与小型办公室场景 |`),
  '',
  '```sh',
  '# not a heading',
  'npm install',
  '```',
].join('\n');

const ENGLISH = Array.from(
  { length: 80 },
  (_, sentence) => `Sentence ${sentence} explains step ${sentence}, e.g. checking the U.S. plug rating of 3.5 A before use.`,
).join(' ');

const UNPUNCTUATED = '无标点的超长句子'.repeat(400);
const EMOJI = '😀'.repeat(700) + '。' + 'ab😀'.repeat(300);

/**
 * Registers the chunker contract as vitest blocks. `bounds` are the limits the chunker under test
 * was configured with (the defaults unless given).
 */
export function runChunkerConformance(
  name: string,
  make: () => Chunker,
  bounds: Pick<ChunkingOptions, 'maxChars' | 'maxTokens'> = DEFAULT_CHUNKING_OPTIONS,
): void {
  const documents = [
    makeDocument('statute', STATUTE),
    makeDocument('markdown', MARKDOWN),
    makeDocument('english', ENGLISH),
    makeDocument('unpunctuated', UNPUNCTUATED),
    makeDocument('emoji', EMOJI),
    makeDocument('untitled', '一句话。', ''),
  ];

  describe(`Chunker conformance: ${name}`, () => {
    it('returns no chunks for empty and whitespace-only documents', () => {
      const chunker = make();
      expect(chunker.chunk(makeDocument('empty', ''))).toEqual([]);
      expect(chunker.chunk(makeDocument('blank', ' \n\u3000\t\n '))).toEqual([]);
    });

    for (const document of documents) {
      describe(`document "${document.id}"`, () => {
        const chunks = (): Chunk[] => make().chunk(document);

        it('returns at least one chunk', () => {
          expect(chunks().length).toBeGreaterThan(0);
        });

        it('numbers chunks with sequential indexes and ids `${documentId}#${index}`', () => {
          for (const [position, chunk] of chunks().entries()) {
            expect(chunk.index).toBe(position);
            expect(chunk.id).toBe(`${document.id}#${position}`);
            expect(chunk.documentId).toBe(document.id);
          }
        });

        it('keeps offsets inside the text and in document order', () => {
          let previous: Chunk | undefined;
          for (const chunk of chunks()) {
            expect(chunk.start).toBeGreaterThanOrEqual(0);
            expect(chunk.end).toBeLessThanOrEqual(document.text.length);
            expect(chunk.start).toBeLessThan(chunk.end);
            if (previous !== undefined) {
              expect(chunk.start).toBeGreaterThan(previous.start);
              expect(chunk.end).toBeGreaterThan(previous.end);
            }
            previous = chunk;
          }
        });

        it('gives text equal to the source span, after at most a repeated table header', () => {
          for (const chunk of chunks()) {
            const source = document.text.slice(chunk.start, chunk.end);
            if (chunk.text === source) continue;
            expect(chunk.text.endsWith(source)).toBe(true);
            expect(chunk.text.slice(0, chunk.text.length - source.length)).toMatch(TABLE_HEADER_PREFIX);
          }
        });

        it('respects maxChars and maxTokens, with tokenCount = estimateTokens(text)', () => {
          for (const chunk of chunks()) {
            expect(chunk.text.length).toBeLessThanOrEqual(bounds.maxChars);
            expect(chunk.tokenCount).toBe(estimateTokens(chunk.text));
            expect(chunk.tokenCount).toBeLessThanOrEqual(bounds.maxTokens);
          }
        });

        it('never cuts a surrogate pair', () => {
          for (const chunk of chunks()) {
            expect(document.text.slice(chunk.start, chunk.end)).not.toMatch(LONE_SURROGATE);
          }
        });

        it('gives heading paths of non-empty titles', () => {
          for (const chunk of chunks()) {
            for (const title of chunk.headingPath) expect(title.trim()).not.toBe('');
          }
        });

        it('is deterministic across calls and instances', () => {
          const chunker = make();
          const first = chunker.chunk(document);
          expect(chunker.chunk(document)).toEqual(first);
          expect(make().chunk(document)).toEqual(first);
        });
      });
    }
  });
}
