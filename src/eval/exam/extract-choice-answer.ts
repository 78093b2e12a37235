/**
 * Reads the chosen letters out of a model's free-text reply to a multiple-choice question.
 *
 * Models answer in every style: `B`, `B.`, `(C)`, `答案是B`, `正确答案：A、C`, `选B和D`,
 * `the answer is (C)`, `I think it's D because…`, full-width `Ｂ`, or the option's text instead
 * of its letter. The reply is NFKC-normalized (full-width letters and punctuation become ASCII),
 * Markdown emphasis and any `<think>…</think>` reasoning are dropped, then these rules are tried
 * in order and the first that yields letters wins:
 *
 * 1. `statement` — explicit answer statements: a cue (`答案是`, `正确答案：`, `选`, `故选`,
 *    `而是`, `the answer is`, `Answer:`, `it's`, `I choose`) followed by a letter list, or a
 *    letter list followed by a verdict (`B正确`, `B选项正确`, `B is correct`). When a reply has
 *    several, the **last** wins (reasoning comes first, the conclusion last); a statement followed
 *    by a negative verdict (`选项A错误`, `A is wrong`) is ignored.
 * 2. `leading-letters` — the reply opens with a letter list: `B`, `B.`, `(C)`, `AC`, `B和D`,
 *    `A、C`, `B. 土地`. A capital followed by a lower-case word (`A good question…`) is English,
 *    not an answer.
 * 3. `option-text` — the reply restates option texts instead of letters: the options whose text
 *    occurs in the reply (ignoring spaces and punctuation), minus those whose text is part of a
 *    longer matched option. One option for a single-answer item; one or more for multi-answer.
 * 4. `lone-letter` — exactly one distinct option letter standing alone somewhere (`我认为B正确`
 *    is caught by rule 1, `看来是 C 吧` here). Several distinct letters are ambiguous: no answer.
 *
 * A letter list is letters among the choices, possibly run together (`ABD`), bracketed (`(A)(C)`)
 * or separated by `、 , ; / & 和 与 及 and`; it ends at the first token that is not an option
 * letter. Anything else is `none`: the caller counts it wrong and lists it.
 */

/** Which rule produced the letters (see the module comment); `none` when nothing parsed. */
export type AnswerExtractionMethod = 'statement' | 'leading-letters' | 'option-text' | 'lone-letter' | 'none';

/** What {@link extractChoiceAnswer} found. */
export interface ExtractedChoiceAnswer {
  /** The chosen letters, sorted and distinct; undefined when the reply has no parseable answer. */
  letters: string[] | undefined;
  method: AnswerExtractionMethod;
}

/** Options for {@link extractChoiceAnswer}. */
export interface ExtractChoiceAnswerOptions {
  /** Whether several letters may be right; lets option-text matching return several. Default false. */
  multi?: boolean;
}

interface LetterList {
  letters: string[];
  end: number;
}

const STATEMENT_CUES: readonly RegExp[] = [
  /答案(?:应该|应当|应|可能|就)?(?:是|为|选|有)?/g,
  /(?:故|所以|因此|应该|应当|应|我|可|则)?选(?:择)?(?:的是|是|为)?/g,
  /(?:而|应|就)是/g,
  /\b(?:(?:correct|right|final|best)\s+)?(?:answer|option|choice)s?\s*(?:is|are|would be|should be|will be|:|=)/gi,
  /\b(?:it's|it is|i'd go with|go with|i choose|i pick|i select|i would choose|i would pick|i'll choose|i'll pick)\s+(?:option\s+)?/gi,
];

/** A letter list followed by a positive verdict; the lookbehind keeps it out of words. */
const VERDICT_AFTER = /(?<![A-Za-z])([A-Z](?:\s*[,、和与及]\s*[A-Z])*)\s*(?:选项|项)?\s*(?:是|为)?\s*(?:正确|对的|符合题意|is correct|is right|is the (?:correct |right )?answer)/g;

/** What, right after a statement, turns it into a rejection ("选项A错误", "A is wrong"). */
const NEGATIVE_VERDICT = /^\s*(?:选项|项)?\s*(?:是|为)?\s*(?:错误|不正确|错的|不对|不符合|不是|is wrong|is incorrect|is not)/i;

/** Skipped between a cue and its letters: colons, closing brackets of `【答案】`, quotes, "选项". */
const AFTER_CUE = /^[\s:=\]】"'“”]*(?:选项|项|option\s*)?[\s:]*/i;

const SEPARATOR = /^\s*(?:[,、;/&和与及]|and\b|以及|or\b)?\s*/;

/**
 * The letters `text` chooses among `choices` (see the module comment for the rules).
 *
 * @example
 * extractChoiceAnswer('正确答案：A、C', { A: '…', B: '…', C: '…', D: '…' }, { multi: true }); // { letters: ['A', 'C'], method: 'statement' }
 * extractChoiceAnswer('土地', { A: '农业生产工具', B: '土地', C: '劳动力', D: '资金' });        // { letters: ['B'], method: 'option-text' }
 */
export function extractChoiceAnswer(text: string, choices: Readonly<Record<string, string>>, options: ExtractChoiceAnswerOptions = {}): ExtractedChoiceAnswer {
  const valid = new Set(Object.keys(choices));
  let normalized = text.normalize('NFKC');
  const thinkEnd = normalized.lastIndexOf('</think>');
  if (thinkEnd >= 0) normalized = normalized.slice(thinkEnd + '</think>'.length);
  normalized = normalized.replace(/[*_`#]/g, '').trim();

  const statement = lastStatement(normalized, valid);
  if (statement !== undefined) return { letters: sorted(statement), method: 'statement' };

  const leading = parseLetterList(normalized, normalized.match(/^[\s"'“(\[【]*/)![0].length, valid, true);
  if (leading !== undefined) return { letters: sorted(leading.letters), method: 'leading-letters' };
  if (/^[a-z]$/.test(normalized) && valid.has(normalized.toUpperCase())) return { letters: [normalized.toUpperCase()], method: 'leading-letters' };

  const byText = matchOptionTexts(normalized, choices);
  if (byText.length === 1 || (byText.length > 1 && options.multi === true)) return { letters: sorted(byText), method: 'option-text' };

  const lone = new Set<string>();
  for (const match of normalized.matchAll(/(?<![A-Za-z])[A-Z](?![A-Za-z])(?!\s+[a-z])/g)) if (valid.has(match[0])) lone.add(match[0]);
  if (lone.size === 1) return { letters: [...lone], method: 'lone-letter' };
  return { letters: undefined, method: 'none' };
}

function lastStatement(text: string, valid: ReadonlySet<string>): string[] | undefined {
  let best: { position: number; letters: string[] } | undefined;
  const consider = (position: number, letters: string[]): void => {
    if (best === undefined || position >= best.position) best = { position, letters };
  };
  for (const cue of STATEMENT_CUES) {
    for (const match of text.matchAll(cue)) {
      const afterCue = match.index + match[0].length;
      const start = afterCue + text.slice(afterCue).match(AFTER_CUE)![0].length;
      const list = parseLetterList(text, start, valid, false);
      if (list === undefined || NEGATIVE_VERDICT.test(text.slice(list.end))) continue;
      consider(match.index, list.letters);
    }
  }
  for (const match of text.matchAll(VERDICT_AFTER)) {
    const list = parseLetterList(text, match.index, valid, false);
    if (list !== undefined) consider(match.index, list.letters);
  }
  return best?.letters;
}

/**
 * Reads a letter list at `start`. A token is a run of capitals not glued to a following
 * lower-case letter (so `Because` is no token), or one letter of either case in brackets
 * (`(c)`); the list stops at the first token with a letter outside `valid` or repeated.
 * `articleGuard` rejects a capital followed by a lower-case word (`A good …`).
 */
function parseLetterList(text: string, start: number, valid: ReadonlySet<string>, articleGuard: boolean): LetterList | undefined {
  const letters: string[] = [];
  let position = start;
  for (;;) {
    let cursor = position;
    if (letters.length > 0) cursor += text.slice(cursor).match(SEPARATOR)![0].length;
    const bracketed = /[(\[【]/.test(text[cursor] ?? '');
    if (bracketed) cursor += 1;
    const run = (bracketed ? text.slice(cursor).match(/^\s*([A-Za-z])\s*[)\]】]/) : text.slice(cursor).match(/^[A-Z]+(?![a-z])/));
    if (run === null) break;
    const found = bracketed ? [run[1]!.toUpperCase()] : [...run[0]];
    if (found.some((letter) => !valid.has(letter) || letters.includes(letter)) || new Set(found).size !== found.length) break;
    cursor += run[0].length;
    if (articleGuard && /^\s+[a-z]/.test(text.slice(cursor))) break;
    letters.push(...found);
    if (text.startsWith('选项', cursor)) cursor += 2;
    else if (text[cursor] === '项') cursor += 1;
    position = cursor;
  }
  return letters.length === 0 ? undefined : { letters, end: position };
}

function matchOptionTexts(text: string, choices: Readonly<Record<string, string>>): string[] {
  const flat = squash(text);
  if (flat === '') return [];
  const matched = Object.entries(choices)
    .map(([letter, option]) => ({ letter, option: squash(option.normalize('NFKC')) }))
    .filter(({ option }) => option !== '' && flat.includes(option));
  return matched.filter(({ option }) => !matched.some((other) => other.option !== option && other.option.includes(option))).map(({ letter }) => letter);
}

/** Lower-cased, without whitespace or punctuation, so "土地。" matches the option "土地". */
function squash(text: string): string {
  return text.toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
}

function sorted(letters: readonly string[]): string[] {
  return [...new Set(letters)].sort();
}
