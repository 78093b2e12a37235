import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticateApiKey, closeApiKeyStores } from '../../access/index.js';
import { ACCESS_CORPUS } from '../../knowledge-base/__fixtures__/access-corpus.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
afterEach(() => closeApiKeyStores());

describe('hangjia keys', () => {
  it('creates a key, prints its secret once, lists keys without secrets, and revokes by name', async () => {
    const home = temporaryDirectory();
    const created = await runCliCaptured(['keys', 'create', '--name', 'hr-bot', '--kb', 'handbook,law', '--groups', 'hr', '--expires', '30d'], { home });
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^hj_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('will not be shown again');
    expect(authenticateApiKey(home, secret)).toMatchObject({ name: 'hr-bot', role: 'reader', knowledgeBases: ['handbook', 'law'], groups: ['hr'] });

    const listed = await runCliCaptured(['keys', 'list', '--json'], { home });
    expect(listed.stdout).not.toContain(secret);
    const { keys } = JSON.parse(listed.stdout) as { keys: Array<{ name: string; status: string; expiresAt: string }> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ name: 'hr-bot', status: 'active' });
    expect(Date.parse(keys[0]!.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const text = await runCliCaptured(['keys', 'list'], { home });
    expect(text.stdout).toMatch(/^key_[0-9a-f]{12}\thr-bot\thj_\S{8}…\treader\tkb: handbook,law\tgroups: hr\texpires /);

    const json = await runCliCaptured(['keys', 'create', '--name', 'admin', '--role', 'admin', '--json'], { home });
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'admin', role: 'admin', knowledgeBases: '*', status: 'active', secret: expect.stringMatching(/^hj_/) as string });

    const revoked = await runCliCaptured(['keys', 'revoke', 'hr-bot'], { home });
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.stdout).toContain('Revoked API key "hr-bot"');
    expect(authenticateApiKey(home, secret)).toBeUndefined();
  });

  it('names the bad input with exit status 2', async () => {
    const home = temporaryDirectory();
    const role = await runCliCaptured(['keys', 'create', '--name', 'x', '--role', 'owner'], { home });
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role must be one of reader, editor, admin; got "owner"');
    const expiry = await runCliCaptured(['keys', 'create', '--name', 'x', '--expires', 'tomorrow'], { home });
    expect(expiry.stderr).toContain('Invalid expiry "tomorrow"');
    const missing = await runCliCaptured(['keys', 'revoke', 'ghost'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('"ghost"');
  });
});

describe('hangjia kb --groups', () => {
  it('gives every file the groups at create, and changes them at sync without re-reading files', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, ACCESS_CORPUS);
    const created = await runCliCaptured(['kb', 'create', 'hr', root, '--groups', 'staff', '--json'], { home });
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ added: 6, skipped: 0 });

    const synced = await runCliCaptured(['kb', 'sync', 'hr', '--groups', 'staff,all-hands', '--json'], { home });
    expect(JSON.parse(synced.stdout)).toMatchObject({ unchanged: 6, documentsWritten: 0, accessChanged: 6 });
    const cleared = await runCliCaptured(['kb', 'sync', 'hr', '--groups', ''], { home });
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('access groups changed on 6 documents');

    const stats = await runCliCaptured(['kb', 'stats', 'hr'], { home });
    expect(stats.stdout).toContain('access          3 of 6 documents restricted to groups (hr 3)');

    const bad = await runCliCaptured(['kb', 'sync', 'hr', '--groups', 'a b'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid access group "a b" in --groups');
  });

  it('refuses a knowledge base whose rules file is broken, naming the file and line, with exit status 2', async () => {
    const home = temporaryDirectory();
    const root = temporaryDirectory();
    writeFiles(root, { ...ACCESS_CORPUS, '.hangjia-access.yaml': '"hr/**": [hr]\n"福利.md": [staff\n' });
    const run = await runCliCaptured(['kb', 'create', 'hr', root], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`Error: Access rules ${path.join(root, '.hangjia-access.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ is not valid YAML`));
    expect(run.stderr).toContain('[E_ACCESS_RULES]');
  });
});
