import { describe, expect, it } from 'vitest';
import { parseLegalHeading } from './_legal-heading.js';

describe('parseLegalHeading', () => {
  it.each([
    ['第十九条　劳动合同期限三个月以上不满一年的，试用期不得超过一个月；', { level: '条', label: '第十九条', labelEnd: 4 }],
    ['第１２条 全角数字。', { level: '条', label: '第１２条', labelEnd: 4 }],
    ['第12条', { level: '条', label: '第12条', labelEnd: 4 }],
    ['　第 一百零二 条　内容', { level: '条', label: '第一百零二条', labelEnd: 9 }],
    ['第二〇条 内容', { level: '条', label: '第二〇条', labelEnd: 4 }],
    ['第两百条 内容', { level: '条', label: '第两百条', labelEnd: 4 }],
    ['第一条为了保护环境，制定本法。', { level: '条', label: '第一条', labelEnd: 3 }],
    ['第二编 物权', { level: '编', label: '第二编', labelEnd: 3 }],
    ['第二章　劳动合同的订立', { level: '章', label: '第二章', labelEnd: 3 }],
    ['第三节 试用期', { level: '节', label: '第三节', labelEnd: 3 }],
  ])('recognises %j', (line, expected) => {
    expect(parseLegalHeading(line)).toEqual(expected);
  });

  it.each([
    '第十条规定的情形，不适用本法。',
    '第十条的规定',
    '第十条至第十五条另有规定的除外',
    '第十条、第十一条',
    '第十条第二款',
    '第三章中所称的劳动者，是指……',
    '第二章 这一行写得很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长的标题',
    '第一章结束了。',
    '第X条',
    '本法第十条',
  ])('does not take %j for a heading', (line) => {
    expect(parseLegalHeading(line)).toBeUndefined();
  });
});
