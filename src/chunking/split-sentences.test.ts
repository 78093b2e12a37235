import { describe, expect, it } from 'vitest';
import { splitSentences } from './split-sentences.js';

function sentences(text: string): string[] {
  return splitSentences(text).map((span) => text.slice(span.start, span.end));
}

describe('splitSentences', () => {
  it.each<[string, string, string[]]>([
    ['Chinese terminators', '今天下雨。你带伞了吗？带了！好；走吧', ['今天下雨。', '你带伞了吗？', '带了！', '好；', '走吧']],
    ['ellipsis runs count once', '他犹豫了……最后还是去了…然后呢', ['他犹豫了……', '最后还是去了…', '然后呢']],
    ['closing quotes stay with the sentence', '他说：“我同意。”她问：「真的吗？」（是的。）《完》', ['他说：“我同意。”', '她问：「真的吗？」', '（是的。）', '《完》']],
    ['stacked terminators', '真的吗？！不会吧', ['真的吗？！', '不会吧']],
    ['English after whitespace', 'It works. Does it? Yes! Done', ['It works.', 'Does it?', 'Yes!', 'Done']],
    ['abbreviations', 'Ask Mr. Smith and Dr. Wang, e.g. today, i.e. now. Next', ['Ask Mr. Smith and Dr. Wang, e.g. today, i.e. now.', 'Next']],
    ['dotted acronyms and initials', 'The U.S. team met J. K. Rowling. Then left', ['The U.S. team met J. K. Rowling.', 'Then left']],
    ['No. before a number', 'See No. 5 in the list. And no. More', ['See No. 5 in the list.', 'And no.', 'More']],
    ['decimals and versions', 'Pi is 3.14 and v1.2 works. Next', ['Pi is 3.14 and v1.2 works.', 'Next']],
    ['closing quote after a period', 'He said "Stop." Then he left.', ['He said "Stop."', 'Then he left.']],
    ['ASCII ! and ? before Chinese', 'OK!然后呢?好的', ['OK!', '然后呢?', '好的']],
    ['a period before Chinese is not a boundary', 'Node.js很好用', ['Node.js很好用']],
    ['mixed scripts', '使用 Node.js 20。Run npm test. 完成！', ['使用 Node.js 20。', 'Run npm test.', '完成！']],
    ['blank lines are hard boundaries', '第一段没有句号\n\n第二段\n \n第三段', ['第一段没有句号', '第二段', '第三段']],
    ['a single newline is a soft wrap', '这一句被\n硬换行了。下一句', ['这一句被\n硬换行了。', '下一句']],
    ['a single newline before a Markdown block', '步骤如下\n- 插电\n- 开机\n1. first item', ['步骤如下', '- 插电', '- 开机', '1. first item']],
    ['a list number is not a sentence end', '1. Install it. 2. Run it.', ['1. Install it.', '2. Run it.']],
    ['whitespace only', ' \n\u3000 ', []],
  ])('%s', (_name, text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it('returns offsets into the input, whitespace excluded', () => {
    expect(splitSentences('  你好。 Hi Mr. Li!  Bye ')).toEqual([
      { start: 2, end: 5 },
      { start: 6, end: 16 },
      { start: 18, end: 21 },
    ]);
  });
});
