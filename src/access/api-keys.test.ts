import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import {
  accessFilterFor,
  accessStorePath,
  ApiKeyStore,
  authenticateApiKey,
  canReadKnowledgeBase,
  canWriteKnowledgeBase,
  closeApiKeyStores,
  countActiveApiKeys,
  createApiKey,
  isAdmin,
  listApiKeys,
  parseApiKeyExpiry,
  revokeApiKey,
} from './index.js';

const temporaryDirectory = useTemporaryDirectories();
afterEach(() => closeApiKeyStores());

describe('API keys', () => {
  it('creates a key whose secret authenticates to its principal, and stores only a salted hash', () => {
    const home = temporaryDirectory();
    expect(countActiveApiKeys(home)).toBe(0);
    expect(fs.existsSync(accessStorePath(home))).toBe(false);
    const { key, secret } = createApiKey(home, { name: 'hr-bot', knowledgeBases: ['handbook', 'law'], role: 'reader', groups: ['hr', 'finance'] });
    expect(secret).toMatch(/^hj_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'hr-bot', role: 'reader', knowledgeBases: ['handbook', 'law'], groups: ['finance', 'hr'], status: 'active', expiresAt: null, revokedAt: null });
    expect(secret.startsWith(key.prefix)).toBe(true);
    expect(key.prefix.length).toBeLessThan(16);

    expect(authenticateApiKey(home, secret)).toEqual({ keyId: key.id, name: 'hr-bot', role: 'reader', knowledgeBases: ['handbook', 'law'], groups: ['finance', 'hr'] });
    expect(countActiveApiKeys(home)).toBe(1);
    const bytes = fs.readFileSync(accessStorePath(home));
    expect(bytes.includes(Buffer.from(secret))).toBe(false);
    expect(bytes.includes(Buffer.from(secret.slice(key.prefix.length)))).toBe(false);
    expect(JSON.stringify(listApiKeys(home))).not.toContain(secret);
    for (const file of [accessStorePath(home), `${accessStorePath(home)}-wal`, `${accessStorePath(home)}-shm`]) {
      if (file === accessStorePath(home) || fs.existsSync(file)) expect(fs.statSync(file).mode & 0o777, file).toBe(0o600);
    }
    expect(fs.existsSync(`${accessStorePath(home)}-wal`)).toBe(true);
  });

  it('rejects wrong, malformed, revoked and expired secrets without saying which', () => {
    const home = temporaryDirectory();
    let now = new Date('2026-12-01T00:00:00Z');
    const clock = { now: () => now };
    const { secret } = createApiKey(home, { name: 'a' }, clock);
    const { key: expiring, secret: expiringSecret } = createApiKey(home, { name: 'b', expiresAt: new Date('2026-12-31T00:00:00Z') }, clock);
    const tampered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(authenticateApiKey(home, tampered, clock)).toBeUndefined();
    expect(authenticateApiKey(home, 'hj_short', clock)).toBeUndefined();
    expect(authenticateApiKey(home, '', clock)).toBeUndefined();
    expect(authenticateApiKey(home, expiringSecret, clock)?.keyId).toBe(expiring.id);

    now = new Date('2026-12-31T00:00:00Z');
    expect(authenticateApiKey(home, expiringSecret, clock)).toBeUndefined();
    expect(countActiveApiKeys(home, clock)).toBe(1);
    expect(listApiKeys(home, clock).find((key) => key.name === 'b')!.status).toBe('expired');

    expect(revokeApiKey(home, 'a', clock).status).toBe('revoked');
    expect(authenticateApiKey(home, secret, clock)).toBeUndefined();
    expect(countActiveApiKeys(home, clock)).toBe(0);
    expect(() => revokeApiKey(home, 'nobody')).toThrowError(expect.objectContaining({ code: 'E_API_KEY_NOT_FOUND' }) as HangjiaError);
  });

  it('sees a revoke by another process at once, despite its cache', () => {
    const home = temporaryDirectory();
    const { key, secret } = createApiKey(home, { name: 'server-key', role: 'editor' });
    expect(authenticateApiKey(home, secret)?.role).toBe('editor');
    // `hangjia keys revoke` in another process: its own connection to the same file.
    const other = ApiKeyStore.open(home, { create: false })!;
    other.revoke(key.id);
    other.close();
    expect(authenticateApiKey(home, secret)).toBeUndefined();
  });

  it('frees a revoked key\'s name, refuses a taken one, and revokes by id', () => {
    const home = temporaryDirectory();
    const first = createApiKey(home, { name: 'ci' });
    expect(() => createApiKey(home, { name: 'ci' })).toThrowError(expect.objectContaining({ code: 'E_API_KEY_EXISTS' }) as HangjiaError);
    revokeApiKey(home, first.key.id);
    const second = createApiKey(home, { name: 'ci' });
    expect(listApiKeys(home).map((key) => [key.id, key.status])).toEqual(
      expect.arrayContaining([
        [first.key.id, 'revoked'],
        [second.key.id, 'active'],
      ]),
    );
    expect(authenticateApiKey(home, second.secret)?.keyId).toBe(second.key.id);
  });

  it('checks what it is given', () => {
    const home = temporaryDirectory();
    const code = (spec: Parameters<typeof createApiKey>[1]): string | undefined => {
      try {
        createApiKey(home, spec);
        return undefined;
      } catch (error) {
        return (error as HangjiaError).code;
      }
    };
    expect(code({ name: '' })).toBe('E_USAGE');
    expect(code({ name: 'x', role: 'owner' as never })).toBe('E_USAGE');
    expect(code({ name: 'x', role: 'admin', knowledgeBases: ['law'] })).toBe('E_USAGE');
    expect(code({ name: 'x', knowledgeBases: ['../etc'] })).toBe('E_USAGE');
    expect(code({ name: 'x', groups: ['hr', 'no spaces'] })).toBe('E_ACCESS_GROUP');
    expect(code({ name: 'x', expiresAt: new Date(Date.now() - 1000) })).toBe('E_USAGE');
    expect(listApiKeys(home)).toEqual([]);
  });

  it('parses expiries as durations or dates', () => {
    const now = new Date('2026-12-04T00:00:00Z');
    expect(parseApiKeyExpiry('30d', now).toISOString()).toBe('2027-01-03T00:00:00.000Z');
    expect(parseApiKeyExpiry('12h', now).toISOString()).toBe('2026-12-04T12:00:00.000Z');
    expect(parseApiKeyExpiry('2027-01-31', now).toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(() => parseApiKeyExpiry('soon', now)).toThrowError(/Invalid expiry "soon"/);
    expect(() => parseApiKeyExpiry('0d', now)).toThrowError(/Invalid expiry/);
  });
});

describe('principals', () => {
  const reader = { keyId: 'key_1', name: 'r', role: 'reader' as const, knowledgeBases: ['law'], groups: ['hr'] };
  const editor = { ...reader, role: 'editor' as const, knowledgeBases: '*' as const, groups: [] };
  const admin = { ...reader, role: 'admin' as const, knowledgeBases: '*' as const, groups: [] };

  it('scopes knowledge bases by list and writes by role', () => {
    expect([canReadKnowledgeBase(reader, 'law'), canReadKnowledgeBase(reader, 'hr'), canWriteKnowledgeBase(reader, 'law')]).toEqual([true, false, false]);
    expect([canReadKnowledgeBase(editor, 'hr'), canWriteKnowledgeBase(editor, 'hr')]).toEqual([true, true]);
    expect([isAdmin(admin), isAdmin(editor), canWriteKnowledgeBase(admin, 'any')]).toEqual([true, false, true]);
  });

  it('filters by the key\'s groups, fails closed without any, and leaves an admin unrestricted', () => {
    expect(accessFilterFor(reader)).toEqual({ groups: ['hr'] });
    expect(accessFilterFor(editor)).toEqual({ groups: [] });
    expect(accessFilterFor(admin)).toBeUndefined();
  });
});
