import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { JsonlAppender, openGenericRunDirectory } from './_run-directory.js';

const temporaryDirectory = useTemporaryDirectories();

interface Config {
  judge: { modelId: string; endpoint: string };
  seed: number;
  createdAt: string;
}
const COMPARED = ['judge', 'seed'] as const;
const config = (endpoint: string, createdAt = '2026-01-01T00:00:00.000Z'): Config => ({ judge: { modelId: 'default', endpoint }, seed: 0, createdAt });

/** The one resume check every runner shares (issue 11): answers made one way are never resumed into another run. */
describe('openGenericRunDirectory', () => {
  it('resumes the same identity whatever else differs (createdAt is not part of it)', () => {
    const directory = path.join(temporaryDirectory(), 'run');
    openGenericRunDirectory<Config, { id: string }>(directory, config('http://a/v1'), COMPARED, 'records.jsonl');
    const writer = new JsonlAppender<{ id: string }>(directory, 'records.jsonl');
    writer.append({ id: 'q1' });
    writer.close();
    const again = openGenericRunDirectory<Config, { id: string }>(directory, config('http://a/v1', '2026-02-02T00:00:00.000Z'), COMPARED, 'records.jsonl', 'new-directory');
    expect(again).toMatchObject({ directory, records: [{ id: 'q1' }], config: { createdAt: '2026-01-01T00:00:00.000Z' } });
    expect(again.note).toBeUndefined();
  });

  it("an explicit directory with another identity is an error naming the nested setting; a default one moves to <dir>.<digest> and says why", () => {
    const directory = path.join(temporaryDirectory(), 'run');
    openGenericRunDirectory(directory, config('http://a/v1'), COMPARED, 'records.jsonl');
    expect(() => openGenericRunDirectory(directory, config('http://b/v1'), COMPARED, 'records.jsonl')).toThrow(
      `The run directory ${directory} holds a run with judge.endpoint "http://a/v1", but this run has "http://b/v1": its answers cannot be resumed into this run.`,
    );
    const moved = openGenericRunDirectory(directory, config('http://b/v1'), COMPARED, 'records.jsonl', 'new-directory');
    expect(moved.directory).toMatch(/^.*\/run\.[0-9a-f]{8}$/);
    expect(moved.note).toBe(`${directory} holds a run with judge.endpoint "http://a/v1"; this run has "http://b/v1", so it uses ${moved.directory}.`);
    expect(moved.records).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(moved.directory, 'run.json'), 'utf8')).judge.endpoint).toBe('http://b/v1');
    // The same identity finds the same directory again, and the first run is untouched.
    expect(openGenericRunDirectory(directory, config('http://b/v1', 'later'), COMPARED, 'records.jsonl', 'new-directory').directory).toBe(moved.directory);
    expect(JSON.parse(readFileSync(path.join(directory, 'run.json'), 'utf8')).judge.endpoint).toBe('http://a/v1');
    // A setting older runs did not record reads "(not recorded)" and counts as different.
    const legacy = path.join(temporaryDirectory(), 'legacy');
    openGenericRunDirectory(legacy, { seed: 0 } as unknown as Config, COMPARED, 'records.jsonl');
    expect(() => openGenericRunDirectory(legacy, config('http://a/v1'), COMPARED, 'records.jsonl')).toThrow('holds a run with judge (not recorded), but this run has {"modelId":"default","endpoint":"http://a/v1"}');
  });
});
