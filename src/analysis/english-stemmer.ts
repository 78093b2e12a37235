/**
 * A light English stemmer: steps 1a, 1b and 1c of Porter's algorithm.
 *
 * Porter, M. F. (1980). "An algorithm for suffix stripping". Program 14(3), 130–137.
 * https://tartarus.org/martin/PorterStemmer/def.txt
 *
 * Why only step 1: it folds inflections (plurals, `-ed`, `-ing`), which is most of the recall a
 * stemmer buys, while leaving derivations alone (`general` and `generate` stay apart, as do
 * `university` and `universe`). Full Porter conflates those and hurts precision on technical text,
 * and its output is harder to explain in `matchedTerms`. Input must already be lower-case letters.
 *
 * Definitions from the paper: a consonant is a letter other than a, e, i, o, u, and other than
 * y preceded by a consonant. A word is [C](VC)^m[V]; m is its "measure". `*v*` means the stem has a
 * vowel; `*o` means it ends consonant–vowel–consonant where the last is not w, x or y.
 *
 * @example
 * stemEnglish('caresses') // 'caress'
 * stemEnglish('hopping')  // 'hop'
 * stemEnglish('agreed')   // 'agree'
 */
export function stemEnglish(word: string): string {
  if (word.length <= 2) {
    return word;
  }
  return step1c(step1b(step1a(word)));
}

function isConsonant(word: string, index: number): boolean {
  const letter = word[index];
  if (letter === 'a' || letter === 'e' || letter === 'i' || letter === 'o' || letter === 'u') {
    return false;
  }
  if (letter === 'y') {
    return index === 0 ? true : !isConsonant(word, index - 1);
  }
  return true;
}

/** m in [C](VC)^m[V]: the number of vowel-to-consonant transitions. */
function measure(stem: string): number {
  let count = 0;
  let previousWasVowel = false;
  for (let index = 0; index < stem.length; index++) {
    const consonant = isConsonant(stem, index);
    if (consonant && previousWasVowel) {
      count++;
    }
    previousWasVowel = !consonant;
  }
  return count;
}

function hasVowel(stem: string): boolean {
  for (let index = 0; index < stem.length; index++) {
    if (!isConsonant(stem, index)) {
      return true;
    }
  }
  return false;
}

function endsWithDoubleConsonant(stem: string): boolean {
  const length = stem.length;
  return length >= 2 && stem[length - 1] === stem[length - 2] && isConsonant(stem, length - 1);
}

function endsConsonantVowelConsonant(stem: string): boolean {
  const length = stem.length;
  if (length < 3) {
    return false;
  }
  const last = stem[length - 1];
  return (
    isConsonant(stem, length - 3) &&
    !isConsonant(stem, length - 2) &&
    isConsonant(stem, length - 1) &&
    last !== 'w' &&
    last !== 'x' &&
    last !== 'y'
  );
}

/** sses → ss, ies → i, ss → ss, s → (removed). */
function step1a(word: string): string {
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ies')) return word.slice(0, -2);
  if (word.endsWith('ss')) return word;
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** (m>0) eed → ee; (*v*) ed → ; (*v*) ing → ; then repair the stem (hopp → hop, hop → hope). */
function step1b(word: string): string {
  if (word.endsWith('eed')) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? `${stem}ee` : word;
  }
  let stem: string | undefined;
  if (word.endsWith('ed') && hasVowel(word.slice(0, -2))) {
    stem = word.slice(0, -2);
  } else if (word.endsWith('ing') && hasVowel(word.slice(0, -3))) {
    stem = word.slice(0, -3);
  }
  if (stem === undefined) {
    return word;
  }
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) {
    return `${stem}e`;
  }
  if (endsWithDoubleConsonant(stem) && !/[lsz]$/.test(stem)) {
    return stem.slice(0, -1);
  }
  if (measure(stem) === 1 && endsConsonantVowelConsonant(stem)) {
    return `${stem}e`;
  }
  return stem;
}

/** (*v*) y → i, so `happy` and `happiness`' stem agree after step 1a's `ies` → `i`. */
function step1c(word: string): string {
  if (word.endsWith('y') && hasVowel(word.slice(0, -1))) {
    return `${word.slice(0, -1)}i`;
  }
  return word;
}
