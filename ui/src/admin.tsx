import { useEffect, useState } from 'preact/hooks';
import type { ApiKey, ApiKeyList, CreateApiKeyRequest, CreateApiKeyResponse } from '../../src/server/api-types.js';
import { api } from './api.js';
import { useMessages } from './i18n.js';

const ROLES: NonNullable<CreateApiKeyRequest['role']>[] = ['reader', 'editor', 'admin'];
const listOf = (text: string) =>
  text
    .split(/[,，]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');

export function AdminPage() {
  const t = useMessages();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<NonNullable<CreateApiKeyRequest['role']>>('reader');
  const [scope, setScope] = useState('');
  const [groups, setGroups] = useState('');

  const load = () => api<ApiKeyList>('GET', '/api/keys').then(({ keys: loaded }) => setKeys(loaded), (failure: Error) => setError(failure.message));
  useEffect(() => void load(), []);

  async function create(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const request: CreateApiKeyRequest = { name: name.trim(), role, knowledgeBases: listOf(scope), groups: listOf(groups) };
      const created = await api<CreateApiKeyResponse>('POST', '/api/keys', request);
      setSecret(created.secret);
      setName('');
      await load();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  async function revoke(id: string) {
    try {
      await api<ApiKey>('DELETE', `/api/keys/${encodeURIComponent(id)}`);
      await load();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <section class="page">
      <h1>{t.keys}</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {secret && (
        <div class="secret" role="status" data-testid="new-secret">
          {t.secretOnce} <code>{secret}</code>
        </div>
      )}
      {keys && (
        <table class="list" data-testid="key-list">
          <thead>
            <tr>
              <th>{t.name}</th>
              <th>{t.role}</th>
              <th>{t.scope}</th>
              <th>{t.groups}</th>
              <th>{t.status}</th>
              <th>{t.createdAt}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>
                  {key.name} <code class="muted">{key.prefix}…</code>
                </td>
                <td>{key.role}</td>
                <td>{key.knowledgeBases === '*' ? t.allKnowledgeBases : key.knowledgeBases.join(', ')}</td>
                <td>{key.groups.join(', ')}</td>
                <td>{key.status}</td>
                <td>{key.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td>
                  {key.status === 'active' && (
                    <button type="button" class="link danger" onClick={() => void revoke(key.id)}>
                      {t.revoke}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="key-form" onSubmit={create}>
        <h2>{t.createKey}</h2>
        <label>
          {t.name}
          <input value={name} required onInput={(event) => setName(event.currentTarget.value)} />
        </label>
        <label>
          {t.role}
          <select value={role} onChange={(event) => setRole(event.currentTarget.value as typeof role)}>
            {ROLES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.scope}
          <input value={scope} placeholder={t.commaSeparated} onInput={(event) => setScope(event.currentTarget.value)} />
        </label>
        <label>
          {t.groups}
          <input value={groups} placeholder={t.commaSeparated} onInput={(event) => setGroups(event.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {t.createKey}
        </button>
      </form>
    </section>
  );
}
