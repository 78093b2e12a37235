import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CreateKnowledgeBaseResponse, DocumentDetail, DocumentGroupsRequest, DocumentGroupsResponse, DocumentList, Job, JobAccepted, KnowledgeBaseList, StatsResponse, UploadResponse, WhoAmI } from '../../src/server/api-types.js';
import { api, followJob, uploadFiles } from './api.js';
import { useMessages, type Messages } from './i18n.js';

const kbPath = (name: string) => `/api/knowledge-bases/${encodeURIComponent(name)}`;

export function formatSize(characters: number): string {
  return characters >= 10_000 ? `${(characters / 1000).toFixed(0)}k` : String(characters);
}

export function KnowledgeBaseListPage({ me, onChanged }: { me: WhoAmI; onChanged: () => void }) {
  const t = useMessages();
  const [list, setList] = useState<KnowledgeBaseList | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);

  const load = () => api<KnowledgeBaseList>('GET', '/api/knowledge-bases').then(setList, (failure: Error) => setError(failure.message));
  useEffect(() => void load(), []);

  async function create(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const created = await api<CreateKnowledgeBaseResponse>('POST', '/api/knowledge-bases', { name: name.trim() });
      setName('');
      await followJob(created.job.id, setJob);
      await load();
      onChanged();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <section class="page">
      <h1>{t.navKnowledgeBases}</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {!list ? (
        <p>{t.loading}</p>
      ) : list.knowledgeBases.length === 0 ? (
        <p class="hint">{t.noKnowledgeBases}</p>
      ) : (
        <table class="list" data-testid="knowledge-base-list">
          <thead>
            <tr>
              <th>{t.name}</th>
              <th class="number">{t.documents}</th>
              <th class="number">{t.chunks}</th>
              <th class="number">{t.characters}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.knowledgeBases.map((kb) => (
              <tr key={kb.name}>
                <td>
                  <a href={`#/kb/${encodeURIComponent(kb.name)}`}>{kb.name}</a>
                </td>
                <td class="number">{kb.documents}</td>
                <td class="number">{kb.chunks}</td>
                <td class="number">{formatSize(kb.characters)}</td>
                <td class="actions">
                  <a href={`#/chat/${encodeURIComponent(kb.name)}`}>{t.chat}</a>
                  <a href={`#/search/${encodeURIComponent(kb.name)}`}>{t.search}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {me.role !== 'reader' && (
        <form class="inline" onSubmit={create}>
          <label>
            {t.createKnowledgeBase}
            <input value={name} required maxLength={64} onInput={(event) => setName(event.currentTarget.value)} />
          </label>
          <button type="submit" class="primary">
            {t.create}
          </button>
          {job && job.status !== 'completed' && <JobProgress job={job} t={t} />}
        </form>
      )}
    </section>
  );
}

interface UploadBatch {
  files: File[];
  sent: number[];
  job: Job | null;
  error: string | null;
}

export function KnowledgeBasePage({ name, me }: { name: string; me: WhoAmI }) {
  const t = useMessages();
  const [stats, setStats] = useState<StatsResponse | null>(null);
  const [documents, setDocuments] = useState<DocumentList | null>(null);
  const [open, setOpen] = useState<DocumentDetail | null>(null);
  const [batches, setBatches] = useState<UploadBatch[]>([]);
  const [syncJob, setSyncJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [editingGroups, setEditingGroups] = useState<{ id: string; text: string } | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const canWrite = me.role === 'admin' || (me.role === 'editor' && (me.knowledgeBases === '*' || me.knowledgeBases.includes(name)));

  async function load() {
    try {
      const [loadedStats, loadedDocuments] = await Promise.all([api<StatsResponse>('GET', `${kbPath(name)}/stats`), api<DocumentList>('GET', `${kbPath(name)}/documents`)]);
      setStats(loadedStats);
      setDocuments(loadedDocuments);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }
  useEffect(() => {
    setOpen(null);
    setBatches([]);
    void load();
  }, [name]);

  async function upload(files: File[]) {
    if (files.length === 0) return;
    const index = batches.length;
    const update = (change: Partial<UploadBatch>) => setBatches((current) => current.map((batch, at) => (at === index ? { ...batch, ...change } : batch)));
    setBatches((current) => [...current, { files, sent: files.map(() => 0), job: null, error: null }]);
    try {
      const response = (await uploadFiles(`${kbPath(name)}/documents`, files, (sent) => update({ sent }))) as UploadResponse;
      update({ job: response.job });
      await followJob(response.job.id, (job) => update({ job }));
    } catch (failure) {
      update({ error: (failure as Error).message });
    }
    await load();
  }

  async function sync() {
    try {
      const { job } = await api<JobAccepted>('POST', `${kbPath(name)}/sync`);
      setSyncJob(job);
      await followJob(job.id, setSyncJob);
    } catch (failure) {
      setError((failure as Error).message);
    }
    await load();
  }

  async function remove(id: string, title: string) {
    if (!confirm(t.confirmDelete(title))) return;
    try {
      const { job } = await api<JobAccepted>('DELETE', `${kbPath(name)}/documents/${encodeURIComponent(id)}`);
      await followJob(job.id, () => undefined);
      if (open?.document.id === id) setOpen(null);
    } catch (failure) {
      setError((failure as Error).message);
    }
    await load();
  }

  /** Admin edit of a document's groups; the reindex job is followed so the list shows the new state. */
  async function saveGroups(id: string, groups: DocumentGroupsRequest['groups']) {
    try {
      const { job } = await api<DocumentGroupsResponse>('PUT', `${kbPath(name)}/documents/${encodeURIComponent(id)}/groups`, { groups } satisfies DocumentGroupsRequest);
      setEditingGroups(null);
      await followJob(job.id, () => undefined);
    } catch (failure) {
      setError((failure as Error).message);
    }
    await load();
  }

  async function toggle(id: string) {
    if (open?.document.id === id) return setOpen(null);
    try {
      setOpen(await api<DocumentDetail>('GET', `${kbPath(name)}/documents/${encodeURIComponent(id)}`));
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <section class="page">
      <h1>
        {name}
        <span class="actions">
          <a href={`#/chat/${encodeURIComponent(name)}`}>{t.chat}</a>
          <a href={`#/search/${encodeURIComponent(name)}`}>{t.search}</a>
        </span>
      </h1>
      {error && <p class="error" role="alert">{error}</p>}
      {stats && (
        <p class="stats" data-testid="stats">
          {t.documents} {stats.documents} · {t.chunks} {stats.chunks} · {t.characters} {formatSize(stats.characters)}
          {stats.failedFiles > 0 && ` · ${t.failedFiles} ${stats.failedFiles}`}
          {canWrite && (
            <button type="button" onClick={() => void sync()} disabled={syncJob?.status === 'running' || syncJob?.status === 'queued'}>
              {t.sync}
            </button>
          )}
        </p>
      )}
      {syncJob && <JobProgress job={syncJob} t={t} />}
      {canWrite && (
        <div
          class={`dropzone ${dragging ? 'dragging' : ''}`}
          data-testid="dropzone"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(event) => {
            event.preventDefault();
            setDragging(false);
            void upload([...(event.dataTransfer?.files ?? [])]);
          }}
        >
          {t.dropHere}{' '}
          <button type="button" class="link" onClick={() => picker.current?.click()}>
            {t.chooseFiles}
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            data-testid="file-input"
            onChange={(event) => {
              void upload([...(event.currentTarget.files ?? [])]);
              event.currentTarget.value = '';
            }}
          />
        </div>
      )}
      {batches.map((batch, index) => (
        <div class="upload" key={index} data-testid="upload-batch" data-status={batch.job?.status ?? (batch.error ? 'failed' : 'uploading')}>
          {batch.files.map((file, at) => (
            <div class="progress-row" key={file.name}>
              <span class="file-name">{file.name}</span>
              <progress max={1} value={batch.sent[at] ?? 0} aria-label={`${t.uploading} ${file.name}`} />
            </div>
          ))}
          {batch.job && <JobProgress job={batch.job} t={t} />}
          {batch.error && <p class="error" role="alert">{batch.error}</p>}
        </div>
      ))}
      <h2>{t.documentBrowser}</h2>
      {documents && (
        <table class="list" data-testid="document-list">
          <thead>
            <tr>
              <th>{t.name}</th>
              <th>{t.file}</th>
              <th class="number">{t.chunks}</th>
              <th class="number">{t.characters}</th>
              <th>{t.groups}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {documents.documents.map((document) => (
              <Fragment key={document.id}>
                <tr data-testid="document-row">
                  <td>{document.title}</td>
                  <td class="path">{document.path}</td>
                  <td class="number">{document.chunks}</td>
                  <td class="number">{formatSize(document.characters)}</td>
                  <td data-testid="document-groups">
                    {editingGroups?.id === document.id ? (
                      <form
                        class="groups-editor"
                        onSubmit={(event) => {
                          event.preventDefault();
                          void saveGroups(document.id, editingGroups.text.split(/[,，\s]+/u).filter((group) => group !== ''));
                        }}
                      >
                        <input aria-label={t.editGroups} title={t.groupsHint} placeholder={t.groupsHint} value={editingGroups.text} onInput={(event) => setEditingGroups({ id: document.id, text: event.currentTarget.value })} />
                        <button type="submit">{t.save}</button>
                        <button type="button" class="link" onClick={() => void saveGroups(document.id, null)}>
                          {t.fileGroups}
                        </button>
                        <button type="button" class="link" onClick={() => setEditingGroups(null)}>
                          {t.cancel}
                        </button>
                      </form>
                    ) : (
                      <>
                        {document.groups.length > 0 ? document.groups.join(', ') : <span class="muted">{t.noGroups}</span>}
                        {me.role === 'admin' && (
                          <button type="button" class="link" onClick={() => setEditingGroups({ id: document.id, text: document.groups.join(', ') })}>
                            {t.editGroups}
                          </button>
                        )}
                      </>
                    )}
                  </td>
                  <td class="actions">
                    <button type="button" class="link" aria-expanded={open?.document.id === document.id} onClick={() => void toggle(document.id)}>
                      {open?.document.id === document.id ? t.hideChunks : t.showChunks}
                    </button>
                    {canWrite && document.uploaded && (
                      <button type="button" class="link danger" onClick={() => void remove(document.id, document.title)}>
                        {t.delete}
                      </button>
                    )}
                  </td>
                </tr>
                {open?.document.id === document.id && (
                  <tr>
                    <td colSpan={6}>
                      <ol class="chunks">
                        {open.chunks.map((chunk) => (
                          <li key={chunk.id}>
                            <div class="heading-path">{chunk.headingPath.join(' › ')}</div>
                            <div class="chunk-text">{chunk.text}</div>
                          </li>
                        ))}
                      </ol>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface SyncFailure {
  code: string;
  message: string;
}

export function JobProgress({ job, t }: { job: Job; t: Messages }) {
  const failures = (job.result?.['failures'] as SyncFailure[] | undefined) ?? [];
  const count = (key: string) => (typeof job.result?.[key] === 'number' ? (job.result[key] as number) : 0);
  return (
    <div class="job" data-testid="job" data-status={job.status}>
      <div class="progress-row">
        <span>
          {t.ingestJob}: {t.jobStatus[job.status] ?? job.status}
          {job.progress && job.status === 'running' && ` · ${job.progress.phase} ${job.progress.done}/${job.progress.total}`}
        </span>
        <progress
          max={1}
          value={job.status === 'completed' || job.status === 'failed' ? 1 : job.progress && job.progress.total > 0 ? job.progress.done / job.progress.total : 0}
          aria-label={t.ingestJob}
        />
      </div>
      {job.status === 'completed' && job.result && <div class="muted">{t.jobResult(count('added'), count('updated'), count('failed'))}</div>}
      {job.error && <p class="error" role="alert">{job.error.message}</p>}
      {failures.length > 0 && (
        <div class="failures" data-testid="failed-files">
          <strong>{t.failedFiles}</strong>
          <ul>
            {failures.map((failure, index) => (
              <li key={index}>
                <code>{failure.code}</code> {failure.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
