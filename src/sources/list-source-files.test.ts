import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTemporaryFolder, writeFiles } from '../../test/fixtures/source-fixture.js';
import { HangjiaError } from '../errors/index.js';
import { listSourceFiles } from './list-source-files.js';
import { DEFAULT_SOURCE_OPTIONS } from './source-options.js';

async function makeTree(): Promise<string> {
  const folder = await makeTemporaryFolder();
  await writeFiles(folder, {
    'README.md': '# 说明',
    'policies/handbook.TXT': '员工手册',
    'policies/drafts/old.md': '旧稿',
    'manuals/router.pdf': '%PDF-1.7',
    'manuals/photo.png': 'png',
    'faq.csv': 'id,q\n1,问',
    '.hidden.md': '隐藏',
    '.git/config': '[core]',
    'node_modules/pkg/readme.md': '依赖',
  });
  return folder;
}

describe('listSourceFiles', () => {
  it('walks folders, lists supported files sorted by relative path, and accounts for the rest', async () => {
    const folder = await makeTree();
    const { files, skipped } = await listSourceFiles([folder]);
    expect(files.map((file) => [file.relativePath, file.format])).toEqual([
      ['README.md', 'md'],
      ['faq.csv', 'csv'],
      ['manuals/router.pdf', 'pdf'],
      ['policies/drafts/old.md', 'md'],
      ['policies/handbook.TXT', 'txt'], // extensions match case-insensitively
    ]);
    expect(files[0]).toMatchObject({ path: join(folder, 'README.md'), root: folder, size: 8 });
    expect(typeof files[0]!.mtimeMs).toBe('number');
    // Dot-folders and node_modules are pruned once each, not reported file by file.
    expect(skipped.map((input) => [input.path.slice(folder.length + 1), input.reason])).toEqual([
      ['.git', 'excluded'],
      ['.hidden.md', 'excluded'],
      ['manuals/photo.png', 'unsupported-format'],
      ['node_modules', 'excluded'],
    ]);
  });

  it('applies include and exclude globs to the path relative to the walked folder', async () => {
    const folder = await makeTree();
    const { files, skipped } = await listSourceFiles([folder], {
      include: ['policies/**'],
      exclude: [...DEFAULT_SOURCE_OPTIONS.exclude, '**/drafts/**'],
    });
    expect(files.map((file) => file.relativePath)).toEqual(['policies/handbook.TXT']);
    expect(skipped.find((input) => input.path.endsWith('drafts'))?.message).toBe(
      'Folder "policies/drafts" matches an exclude glob; nothing under it was read.',
    );
    expect(skipped.find((input) => input.path.endsWith('README.md'))?.message).toBe('"README.md" matches no include glob.');
  });

  it('lists dot-files when the exclude list is replaced', async () => {
    const folder = await makeTree();
    const { files } = await listSourceFiles([folder], { exclude: ['node_modules/**'] });
    expect(files.map((file) => file.relativePath)).toContain('.hidden.md');
  });

  it('takes a file given directly with its own folder as root, and lists it once', async () => {
    const folder = await makeTree();
    const path = join(folder, 'policies/handbook.TXT');
    const { files } = await listSourceFiles([path, folder, path]);
    const handbook = files.filter((file) => file.path === path);
    expect(handbook).toHaveLength(1);
    expect(handbook[0]).toMatchObject({ root: join(folder, 'policies'), relativePath: 'handbook.TXT' });
  });

  it('reports an unsupported file given directly as skipped, not as an error', async () => {
    const folder = await makeTree();
    const { files, skipped } = await listSourceFiles([join(folder, 'manuals/photo.png')]);
    expect(files).toEqual([]);
    expect(skipped).toEqual([
      {
        path: join(folder, 'manuals/photo.png'),
        reason: 'unsupported-format',
        message:
          'No adapter for "photo.png": supported extensions are .txt .text .md .markdown .html .htm .pdf .docx .csv .jsonl .ndjson.',
      },
    ]);
  });

  it('does not walk a folder twice through a symbolic link loop', async () => {
    const folder = await makeTemporaryFolder();
    await writeFiles(folder, { 'a/doc.md': '# A' });
    await symlink(join(folder, 'a'), join(folder, 'a/loop'));
    const { files } = await listSourceFiles([folder]);
    expect(files.map((file) => file.relativePath)).toEqual(['a/doc.md']);
  });

  it('reports a dangling symbolic link as unreadable', async () => {
    const folder = await makeTemporaryFolder();
    await writeFiles(folder, { 'doc.md': '# A' });
    await symlink(join(folder, 'missing.md'), join(folder, 'dangling.md'));
    const { files, skipped } = await listSourceFiles([folder]);
    expect(files.map((file) => file.relativePath)).toEqual(['doc.md']);
    expect(skipped).toEqual([
      { path: join(folder, 'dangling.md'), reason: 'unreadable', message: '"dangling.md" is a symbolic link to nothing.' },
    ]);
  });

  it('throws E_PATH_NOT_FOUND with details.path for a missing path', async () => {
    const missing = join(await makeTemporaryFolder(), 'nope');
    const error = await listSourceFiles([missing]).catch((caught: unknown) => caught);
    expect(HangjiaError.is(error, 'E_PATH_NOT_FOUND')).toBe(true);
    expect((error as HangjiaError).details).toEqual({ path: missing });
    expect((error as HangjiaError).message).toContain(missing);
  });
});
