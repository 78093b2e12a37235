import { describe, expect, it } from 'vitest';
import { stemEnglish } from './english-stemmer.js';

describe('stemEnglish', () => {
  // Every example listed for steps 1a, 1b and 1c in Porter (1980).
  it.each([
    ['caresses', 'caress'], ['ponies', 'poni'], ['ties', 'ti'], ['caress', 'caress'], ['cats', 'cat'],
    ['feed', 'feed'], ['agreed', 'agree'], ['plastered', 'plaster'], ['bled', 'bled'], ['motoring', 'motor'], ['sing', 'sing'],
    ['conflated', 'conflate'], ['troubled', 'trouble'], ['sized', 'size'], ['hopping', 'hop'], ['tanned', 'tan'],
    ['falling', 'fall'], ['hissing', 'hiss'], ['fizzed', 'fizz'], ['failing', 'fail'], ['filing', 'file'],
    ['happy', 'happi'], ['sky', 'sky'],
  ])('%s → %s', (word, stem) => {
    expect(stemEnglish(word)).toBe(stem);
  });

  it('leaves derivations apart, unlike full Porter', () => {
    expect(stemEnglish('general')).toBe('general');
    expect(stemEnglish('generate')).toBe('generate');
  });
});
