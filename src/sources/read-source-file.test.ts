import { chmod, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTemporaryFolder, readFixture, writeFiles } from '../../test/fixtures/source-fixture.js';
import { HangjiaError } from '../errors/index.js';
import { listSourceFiles } from './list-source-files.js';
import { readSourceFile } from './read-source-file.js';

describe('readSourceFile', () => {
  it('fails with E_SOURCE_TOO_LARGE over maxFileBytes, naming size and limit', async () => {
    const error = await readFixture('big.txt', '12345678901', { maxFileBytes: 10 }).catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_TOO_LARGE')).toBe(true);
    expect((error as HangjiaError).details).toMatchObject({ size: 11, maxFileBytes: 10 });
    expect((error as HangjiaError).details.path).toMatch(/big\.txt$/);
  });

  it('reads a file exactly at the limit', async () => {
    const { documents } = await readFixture('edge.txt', '1234567890', { maxFileBytes: 10 });
    expect(documents[0]!.text).toBe('1234567890');
  });

  it('fails with E_SOURCE_READ when a listed file has gone', async () => {
    const folder = await makeTemporaryFolder();
    await writeFiles(folder, { 'gone.md': '# 将被删除' });
    const { files } = await listSourceFiles([folder]);
    await rm(join(folder, 'gone.md'));
    const error = await readSourceFile(files[0]!).catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_READ')).toBe(true);
    expect((error as HangjiaError).details).toEqual({ path: join(folder, 'gone.md') });
    expect((error as HangjiaError).message).toContain(join(folder, 'gone.md'));
  });

  // Root reads files whatever their mode, so the case cannot be set up there.
  it.skipIf(process.getuid?.() === 0)('fails with E_SOURCE_READ on a file without read permission (skipped as root)', async () => {
    const folder = await makeTemporaryFolder();
    await writeFiles(folder, { 'secret.txt': '机密' });
    await chmod(join(folder, 'secret.txt'), 0o000);
    const { files } = await listSourceFiles([folder]);
    const error = await readSourceFile(files[0]!).catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_SOURCE_READ')).toBe(true);
  });
});
