import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTemporaryFolder, writeFiles } from '../../test/fixtures/source-fixture.js';
import { HangjiaError } from '../errors/index.js';
import { hashFile } from './hash-file.js';

describe('hashFile', () => {
  it('is the sha256 hex of the bytes, not of decoded text', async () => {
    const folder = await makeTemporaryFolder();
    await writeFiles(folder, { 'a.txt': '行家', 'b.txt': '\uFEFF行家' });
    expect(await hashFile(join(folder, 'a.txt'))).toBe('99b259f034c202d9a23ea1e4799d841590e38abe9ab9353367b31a5b6405a395');
    expect(await hashFile(join(folder, 'b.txt'))).not.toBe(await hashFile(join(folder, 'a.txt')));
  });

  it('throws E_SOURCE_READ naming a file it cannot read', async () => {
    const missing = join(await makeTemporaryFolder(), 'gone.pdf');
    const error = await hashFile(missing).catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_READ')).toBe(true);
    expect((error as HangjiaError).details).toEqual({ path: missing });
  });
});
