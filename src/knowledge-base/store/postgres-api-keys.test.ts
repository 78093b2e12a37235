import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ApiKeyStore, authenticateApiKey, closeApiKeyStores, countActiveApiKeys, createApiKey, listApiKeys, revokeApiKey, useApiKeyRows } from '../../access/index.js';
import { HangjiaError } from '../../errors/index.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { openPostgresApiKeyRows } from './postgres-api-keys.js';

const TEST_STORE_URL = process.env['HANGJIA_TEST_STORE_URL'];
const temporaryDirectory = useTemporaryDirectories();

if (TEST_STORE_URL === undefined) {
  describe('API keys in PostgreSQL', () => {
    it.skip('needs HANGJIA_TEST_STORE_URL=postgres://user@host:port/database (a PostgreSQL the tests may write); unset, so skipped', () => {});
  });
} else {
  const schema = `t_keys_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_STORE_URL}${TEST_STORE_URL.includes('?') ? '&' : '?'}schema=${schema}`;

  describe('API keys in PostgreSQL', () => {
    afterEach(() => closeApiKeyStores());
    afterAll(async () => {
      const client = new pg.Client({ connectionString: TEST_STORE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });

    it('keeps keys in the shared table: created through one home, they authenticate through another, and a revocation reaches both', () => {
      // Two replicas: two homes, one database.
      const first = temporaryDirectory();
      const second = temporaryDirectory();
      useApiKeyRows(first, () => openPostgresApiKeyRows(url));
      useApiKeyRows(second, () => openPostgresApiKeyRows(url));
      try {
        expect(countActiveApiKeys(first)).toBe(0);
        const { key, secret } = createApiKey(first, { name: 'hr-bot', knowledgeBases: ['handbook'], groups: ['hr'] });
        expect(authenticateApiKey(second, secret)).toEqual({ keyId: key.id, name: 'hr-bot', role: 'reader', knowledgeBases: ['handbook'], groups: ['hr'] });
        expect(listApiKeys(second).map((listed) => [listed.id, listed.status])).toEqual([[key.id, 'active']]);
        const duplicate = (() => {
          try {
            createApiKey(second, { name: 'hr-bot' });
          } catch (error) {
            return error;
          }
          return undefined;
        })();
        expect(HangjiaError.is(duplicate, 'E_API_KEY_EXISTS')).toBe(true);

        // Cached in the second home, then revoked through the first: the cache must not outlive it.
        expect(authenticateApiKey(second, secret)).toBeDefined();
        expect(revokeApiKey(first, 'hr-bot').status).toBe('revoked');
        expect(authenticateApiKey(second, secret)).toBeUndefined();
        expect(countActiveApiKeys(second)).toBe(0);
        // The name is free again once revoked.
        expect(createApiKey(second, { name: 'hr-bot' }).key.status).toBe('active');
      } finally {
        closeApiKeyStores();
        useApiKeyRows(first, undefined);
        useApiKeyRows(second, undefined);
      }
    });

    it('stores only a salted hash of the secret', async () => {
      const store = new ApiKeyStore(openPostgresApiKeyRows(url));
      const { key, secret } = store.create({ name: 'probe' });
      expect(store.where).toContain(`schema "${schema}"`);
      store.close();
      const client = new pg.Client({ connectionString: TEST_STORE_URL });
      await client.connect();
      const { rows } = await client.query(`SELECT * FROM "${schema}".api_keys WHERE id = $1`, [key.id]);
      await client.end();
      expect((rows[0].secret_hash as Buffer).length).toBe(32);
      expect(JSON.stringify(rows[0])).not.toContain(secret.slice(key.prefix.length));
      expect(Object.values(rows[0] as Record<string, unknown>).some((value) => Buffer.isBuffer(value) && value.includes(Buffer.from(secret)))).toBe(false);
    });
  });
}
