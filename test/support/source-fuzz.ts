/**
 * Generated and mutated inputs for every source adapter, and the oracle they are judged by: a file
 * must end in documents (or warnings about its lines) or in a `HangjiaError` with one of the codes
 * the sources stage throws on purpose, naming the file — never another exception, never a hang.
 *
 * Used by `src/sources/source-adapters.fuzz.test.ts` (a few hundred cases per target, fixed seed)
 * and `bench/fuzz.ts` (the long run). Inputs are built from small valid seeds — UTF-8, UTF-16 LE/BE
 * and GBK text, Markdown, HTML, PDF, DOCX, CSV, JSONL — by mutations that have broken parsers
 * before: truncation, random bytes, deep nesting, huge lines, NUL bytes, invalid encodings, and for
 * DOCX, zip bombs under the file-size limit.
 */
import iconv from 'iconv-lite';
import fc from 'fast-check';
import JSZip from 'jszip';
import type { SourceFormat } from '../../src/documents/index.js';
import { HangjiaError } from '../../src/errors/index.js';
import { resolveSourceOptions, type SourceFile } from '../../src/sources/index.js';
import { parseSourceBytes, SOURCE_ERROR_CODES } from '../../src/sources/read-source-file.js';
import { writeDocx, writePdf, type OfficeBlock } from '../fixtures/office-writers.js';

/** What is fuzzed: one adapter, and for txt one encoding. */
export type FuzzTarget = 'txt-utf8' | 'txt-utf16le' | 'txt-utf16be' | 'txt-gbk' | 'md' | 'html' | 'pdf' | 'docx' | 'csv' | 'jsonl';

export const FUZZ_TARGETS: readonly FuzzTarget[] = ['txt-utf8', 'txt-utf16le', 'txt-utf16be', 'txt-gbk', 'md', 'html', 'pdf', 'docx', 'csv', 'jsonl'];

const FORMAT: Record<FuzzTarget, SourceFormat> = {
  'txt-utf8': 'txt', 'txt-utf16le': 'txt', 'txt-utf16be': 'txt', 'txt-gbk': 'txt', md: 'md', html: 'html', pdf: 'pdf', docx: 'docx', csv: 'csv', jsonl: 'jsonl',
};

const STATUTE = '中华人民共和国劳动合同法\n\n第一章 总则\n\n第一条 为了完善劳动合同制度，制定本法。\n\n第十九条 劳动合同期限三年以上的，试用期不得超过六个月。Wi-Fi 6 router: hold RESET for 10 s.\n';

const BLOCKS: OfficeBlock[] = [
  { kind: 'heading', level: 1, text: '星河路由器手册' },
  { kind: 'paragraph', text: '长按复位键十秒，指示灯变蓝。Hold RESET for 10 seconds.' },
  { kind: 'table', rows: [['型号', '价格'], ['XH-1', '299']] },
];

/** The text a target's seed is made of (before encoding or packaging); mutations work on it too. */
const SEED_TEXT: Record<FuzzTarget, string> = {
  'txt-utf8': STATUTE,
  'txt-utf16le': STATUTE,
  'txt-utf16be': STATUTE,
  'txt-gbk': STATUTE,
  md: `---\ntitle: 手册\n---\n# 手册\n\n## 复位\n\n- 长按复位键\n  - 十秒\n\n> 注意断电\n\n\`\`\`\nping 192.168.1.1\n\`\`\`\n\n| 型号 | 价格 |\n| --- | --- |\n| XH-1 | 299 |\n`,
  html: '<!doctype html><html><head><title>帮助</title><style>p{}</style></head><body><nav>首页</nav><h1>重置</h1><p>长按<b>复位键</b>十秒。<br>指示灯变蓝。</p><ul><li>一<ul><li>二</li></ul></li></ul><table><tr><th>型号</th></tr><tr><td>XH-1</td></tr></table><pre>ping</pre><blockquote><p>注意</p></blockquote></body></html>',
  pdf: '',
  docx: '',
  csv: 'id,title,text\n1,试用期,"劳动合同期限三年以上的，试用期不得超过六个月。"\n2,"复位, 路由器","长按复位键十秒 ""RESET"""\n',
  jsonl: '{"id":"1","title":"试用期","text":"试用期不得超过六个月。"}\n{"id":"2","text":"长按复位键十秒。","tags":["a",{"b":1}]}\n',
};

function encodeText(target: FuzzTarget, text: string): Buffer {
  if (target === 'txt-utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (target === 'txt-utf16be') return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  if (target === 'txt-gbk') return iconv.encode(text, 'gbk');
  return Buffer.from(text, 'utf8');
}

const seeds = new Map<FuzzTarget, Promise<Buffer>>();

/** The valid file each target's mutations start from (made once per process). */
export function seedBytes(target: FuzzTarget): Promise<Buffer> {
  let seed = seeds.get(target);
  if (seed === undefined) {
    seed = target === 'pdf' ? Promise.resolve(writePdf(BLOCKS, { title: '手册' })) : target === 'docx' ? writeDocx(BLOCKS) : Promise.resolve(encodeText(target, SEED_TEXT[target]));
    seeds.set(target, seed);
  }
  return seed;
}

/** Replaces `word/document.xml` of a DOCX; the other parts stay valid, so mammoth reaches the XML. */
export async function docxWithDocumentXml(docx: Buffer, documentXml: string | Uint8Array): Promise<Buffer> {
  const zip = await JSZip.loadAsync(docx);
  zip.file('word/document.xml', documentXml, { date: new Date(Date.UTC(2026, 0, 1)) });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 1 } });
}

/**
 * A DOCX whose `word/document.xml` is `expandedBytes` of one repeated paragraph: a few hundred
 * kilobytes on disk (far under the 50 MiB file limit) that inflate to `expandedBytes`.
 */
export async function docxZipBomb(expandedBytes: number): Promise<Buffer> {
  const paragraph = '<w:p><w:r><w:t>炸弹</w:t></w:r></w:p>';
  const head = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const tail = '</w:body></w:document>';
  const body = Buffer.alloc(expandedBytes - head.length - tail.length, paragraph);
  return docxWithDocumentXml(await seedBytes('docx'), Buffer.concat([Buffer.from(head), body, Buffer.from(tail)]));
}

/** One change to a file's bytes; `apply` is deterministic, so a failing case replays from its seed. */
export interface Mutation {
  name: string;
  apply(bytes: Buffer): Buffer;
}

const INVALID_SEQUENCES: readonly number[][] = [
  [0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x81], [0xe4, 0xb8], [0xd8, 0x00], [0x80, 0x80, 0x80],
];

function insertAt(bytes: Buffer, position: number, inserted: Uint8Array): Buffer {
  const at = bytes.length === 0 ? 0 : position % (bytes.length + 1);
  return Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]);
}

/** Per-format nesting: what opens and closes one level of structure its parser might recurse on. */
const NESTING: Record<FuzzTarget, ReadonlyArray<readonly [string, string]>> = {
  'txt-utf8': [['(', ')'], ['《', '》']],
  'txt-utf16le': [['(', ')']],
  'txt-utf16be': [['(', ')']],
  'txt-gbk': [['(', ')']],
  md: [['> ', ''], ['- ', ''], ['[', ']'], ['  ', ''], ['```\n', '\n```\n']],
  html: [['<div>', '</div>'], ['<table><tr><td>', '</td></tr></table>'], ['<ul><li>', '</li></ul>'], ['<blockquote>', '</blockquote>'], ['<span>', '</span>'], ['<div>', ''], ['<h1>', '</h1>']],
  pdf: [['[', ']'], ['<<', '>>'], ['q ', ' Q']],
  docx: [['<w:tbl><w:tr><w:tc>', '<w:p/></w:tc></w:tr></w:tbl>'], ['<w:r>', '</w:r>'], ['<w:hyperlink>', '</w:hyperlink>'], ['<w:sdt><w:sdtContent>', '</w:sdtContent></w:sdt>']],
  csv: [['"', '"'], ['""', '""']],
  jsonl: [['[', ']'], ['{"a":', '}']],
};

/** Upper bounds of the generated sizes: small in the test suite, large in the bench. */
export interface FuzzSizes {
  /** Levels of nesting (at least 100). */
  depth: number;
  /** Characters in one inserted line (at least 10,000). */
  line: number;
  /** Bytes of random input, and of one NUL run. */
  random: number;
}

/** The test suite's sizes: deep enough to overflow any recursive parser (5,000 levels did), quick enough for CI. */
export const CI_SIZES: FuzzSizes = { depth: 6_000, line: 100_000, random: 4_096 };

/** The mutations fast-check draws for one target. */
export function mutationArbitrary(target: FuzzTarget, sizes: FuzzSizes = CI_SIZES): fc.Arbitrary<Mutation> {
  const position = fc.nat();
  const truncate = position.map((at): Mutation => ({ name: `truncate@${at}`, apply: (bytes) => bytes.subarray(0, bytes.length === 0 ? 0 : at % bytes.length) }));
  const flip = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }).map((flips): Mutation => ({
    name: `flip×${flips.length}`,
    apply: (bytes) => {
      const copy = Buffer.from(bytes);
      for (const [at, value] of flips) if (copy.length > 0) copy[at % copy.length] = value;
      return copy;
    },
  }));
  const nul = fc.tuple(position, fc.integer({ min: 1, max: sizes.random })).map(([at, length]): Mutation => ({ name: `nul×${length}@${at}`, apply: (bytes) => insertAt(bytes, at, new Uint8Array(length)) }));
  const invalid = fc.tuple(position, fc.constantFrom(...INVALID_SEQUENCES), fc.integer({ min: 1, max: 64 })).map(([at, sequence, times]): Mutation => ({
    name: `invalid[${sequence.map((byte) => byte.toString(16)).join(' ')}]×${times}@${at}`,
    apply: (bytes) => insertAt(bytes, at, Buffer.from(Array.from({ length: times }, () => sequence).flat())),
  }));
  const hugeLine = fc.tuple(position, fc.constantFrom('x', '汉', ' ', '"', '\t', '\r'), fc.integer({ min: 10_000, max: sizes.line })).map(([at, character, length]): Mutation => ({
    name: `line(${JSON.stringify(character)}×${length})@${at}`,
    apply: (bytes) => insertAt(bytes, at, Buffer.from(character.repeat(length))),
  }));
  const nesting = fc.tuple(position, fc.constantFrom(...NESTING[target]), fc.integer({ min: 100, max: sizes.depth }), fc.boolean()).map(([at, [open, close], depth, closed]): Mutation => ({
    name: `nest(${JSON.stringify(open)}×${depth}${closed ? '' : ', unclosed'})@${at}`,
    apply: (bytes) => insertAt(bytes, at, Buffer.from(`${open.repeat(depth)}深${closed ? close.repeat(depth) : ''}`)),
  }));
  const randomBytes = fc.uint8Array({ maxLength: sizes.random }).map((random): Mutation => ({ name: `random(${random.length} bytes)`, apply: () => Buffer.from(random) }));
  return fc.oneof(truncate, flip, nul, invalid, hugeLine, nesting, randomBytes);
}

/** A generated input: up to three mutations, applied to the file's bytes or, for a DOCX, inside its document XML. */
export interface FuzzCase {
  target: FuzzTarget;
  mutations: Mutation[];
  /** DOCX only: mutate `word/document.xml` and re-zip, rather than the zip's own bytes. */
  insideDocx: boolean;
}

export function fuzzCaseArbitrary(target: FuzzTarget, sizes: FuzzSizes = CI_SIZES): fc.Arbitrary<FuzzCase> {
  return fc.record({
    target: fc.constant(target),
    mutations: fc.array(mutationArbitrary(target, sizes), { minLength: 1, maxLength: 3 }),
    insideDocx: target === 'docx' ? fc.boolean() : fc.constant(false),
  });
}

export function describeCase(fuzzCase: FuzzCase): string {
  return `${fuzzCase.target}${fuzzCase.insideDocx ? ' (document.xml)' : ''}: ${fuzzCase.mutations.map((mutation) => mutation.name).join(' → ')}`;
}

/** The bytes a case stands for. */
export async function caseBytes(fuzzCase: FuzzCase): Promise<Buffer> {
  const seed = await seedBytes(fuzzCase.target);
  if (fuzzCase.insideDocx) {
    const xml = Buffer.from(await (await JSZip.loadAsync(seed)).file('word/document.xml')!.async('uint8array'));
    return docxWithDocumentXml(seed, applyMutations(fuzzCase.mutations, xml));
  }
  return applyMutations(fuzzCase.mutations, seed);
}

function applyMutations(mutations: readonly Mutation[], bytes: Buffer): Buffer {
  let result = bytes;
  for (const mutation of mutations) result = mutation.apply(result);
  return result;
}

/** How one input ended: documents (or line warnings), a named refusal, or something that must not happen. */
export type FuzzOutcome =
  | { kind: 'documents'; documents: number; warnings: number }
  | { kind: 'refused'; code: string }
  | { kind: 'unexpected'; reason: string };

/** Reads `bytes` as the target's format through the ingest path's parser, with its time limit, and judges the result. */
export async function judgeInput(target: FuzzTarget, bytes: Buffer, fileTimeLimitMs: number): Promise<FuzzOutcome> {
  const format = FORMAT[target];
  const file: SourceFile = { path: `/fuzz/input.${format}`, root: '/fuzz', relativePath: `input.${format}`, format, size: bytes.length, mtimeMs: 0 };
  try {
    const { documents, warnings } = await parseSourceBytes(file, bytes, resolveSourceOptions({ fileTimeLimitMs }));
    if (documents.length === 0 && warnings.length === 0) return { kind: 'unexpected', reason: 'no documents and no warnings: the file vanished silently' };
    const blank = documents.find((document) => document.text.trim() === '');
    if (blank) return { kind: 'unexpected', reason: `document ${blank.id} has no text` };
    return { kind: 'documents', documents: documents.length, warnings: warnings.length };
  } catch (error) {
    if (!HangjiaError.is(error)) return { kind: 'unexpected', reason: `not a HangjiaError: ${(error as Error)?.stack ?? String(error)}` };
    if (!SOURCE_ERROR_CODES.has(error.code)) return { kind: 'unexpected', reason: `${error.code}: ${error.message}` };
    if (error.details.path !== file.path || !error.message.includes(file.path)) return { kind: 'unexpected', reason: `${error.code} does not name the file: ${error.message}` };
    return { kind: 'refused', code: error.code };
  }
}
