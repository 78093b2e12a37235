import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.js';

describe('contentHash', () => {
  it('is the sha256 hex of the UTF-8 bytes', () => {
    expect(contentHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(contentHash('行家')).toBe('99b259f034c202d9a23ea1e4799d841590e38abe9ab9353367b31a5b6405a395');
  });

  it('changes when one character changes', () => {
    expect(contentHash('行家')).not.toBe(contentHash('行 家'));
  });
});
