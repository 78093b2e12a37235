import { useEffect, useRef, useState } from 'preact/hooks';
import type { Chunk, DatasetFileList, ReviewDecision, ReviewDecisionRequest, ReviewItem, ReviewItemList } from '../../src/server/api-types.js';
import { api } from './api.js';
import { useMessages } from './i18n.js';

const kbPath = (name: string) => `/api/knowledge-bases/${encodeURIComponent(name)}`;

/**
 * Review of a generated dataset, one item at a time with its source chunk beside it. Keys: a
 * accept, e edit (Ctrl+Enter saves), r reject, j / → next, k / ← previous. Decisions are saved at
 * once, in the same `<file>.review.json` that `hangjia data review` uses.
 */
export function ReviewPage({ knowledgeBase, file }: { knowledgeBase: string; file: string | undefined }) {
  const t = useMessages();
  const [datasets, setDatasets] = useState<DatasetFileList | null>(null);
  const [list, setList] = useState<ReviewItemList | null>(null);
  const [index, setIndex] = useState(0);
  const [mode, setMode] = useState<'view' | 'edit' | 'reject'>('view');
  const [instruction, setInstruction] = useState('');
  const [output, setOutput] = useState('');
  const [reason, setReason] = useState('');
  const [chunk, setChunk] = useState<Chunk | null>(null);
  const [error, setError] = useState<string | null>(null);
  const editor = useRef<HTMLTextAreaElement>(null);
  const reasonInput = useRef<HTMLInputElement>(null);
  const item: ReviewItem | undefined = list?.items[index];

  useEffect(() => {
    setList(null);
    api<DatasetFileList>('GET', `${kbPath(knowledgeBase)}/datasets`).then(setDatasets, (failure: Error) => setError(failure.message));
  }, [knowledgeBase]);
  useEffect(() => {
    if (!file) return;
    api<ReviewItemList>('GET', `${kbPath(knowledgeBase)}/datasets/${encodeURIComponent(file)}`).then(
      (loaded) => {
        setList(loaded);
        const firstPending = loaded.items.findIndex((candidate) => candidate.status === 'pending');
        setIndex(Math.max(0, firstPending));
      },
      (failure: Error) => setError(failure.message),
    );
  }, [knowledgeBase, file]);
  useEffect(() => {
    setMode('view');
    setChunk(null);
    if (!item) return;
    setInstruction(item.decision?.edited?.instruction ?? item.instruction);
    setOutput(item.decision?.edited?.output ?? item.output);
    setReason(item.decision?.reason ?? '');
    const chunkId = item.chunkIds[0];
    if (chunkId) api<Chunk>('GET', `${kbPath(knowledgeBase)}/chunks/${encodeURIComponent(chunkId)}`).then(setChunk, () => setChunk(null));
  }, [item?.id]);
  useEffect(() => {
    if (mode === 'edit') editor.current?.focus();
    if (mode === 'reject') reasonInput.current?.focus();
  }, [mode]);

  async function decide(request: Omit<ReviewDecisionRequest, 'id'>) {
    if (!item || !list || !file) return;
    try {
      const decision = await api<ReviewDecision>('POST', `${kbPath(knowledgeBase)}/datasets/${encodeURIComponent(file)}/decisions`, { ...request, id: item.id });
      setList({ ...list, items: list.items.map((candidate) => (candidate.id === item.id ? { ...candidate, status: decision.action, decision } : candidate)) });
      setMode('view');
      setIndex((current) => Math.min(current + 1, list.items.length - 1));
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  const saveEdit = () => {
    const edited = {
      ...(instruction !== item?.instruction ? { instruction } : {}),
      ...(output !== item?.output ? { output } : {}),
    };
    return Object.keys(edited).length === 0 ? decide({ action: 'accept' }) : decide({ action: 'edit', edited });
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLElement && ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.target.tagName);
      if (typing || event.ctrlKey || event.metaKey || event.altKey || !list) return;
      const keys: Record<string, () => void> = {
        a: () => void decide({ action: 'accept' }),
        e: () => setMode('edit'),
        r: () => setMode('reject'),
        j: () => setIndex((current) => Math.min(current + 1, list.items.length - 1)),
        ArrowRight: () => setIndex((current) => Math.min(current + 1, list.items.length - 1)),
        k: () => setIndex((current) => Math.max(current - 1, 0)),
        ArrowLeft: () => setIndex((current) => Math.max(current - 1, 0)),
      };
      const action = keys[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  return (
    <section class="page review">
      <h1>
        {t.navReview} · {knowledgeBase}
      </h1>
      {error && <p class="error" role="alert">{error}</p>}
      {datasets && datasets.datasets.length === 0 && <p class="hint">{t.noDatasets(knowledgeBase)}</p>}
      {datasets && datasets.datasets.length > 0 && (
        <ul class="datasets" data-testid="datasets">
          {datasets.datasets.map((dataset) => (
            <li key={dataset.file}>
              <a href={`#/review/${encodeURIComponent(knowledgeBase)}/${encodeURIComponent(dataset.file)}`} aria-current={dataset.file === file ? 'page' : undefined}>
                {dataset.file}
              </a>{' '}
              <span class="muted">{t.reviewCounts(dataset.items, dataset.counts['pending'] ?? 0, dataset.counts['accept'] ?? 0, dataset.counts['edit'] ?? 0, dataset.counts['reject'] ?? 0)}</span>
            </li>
          ))}
        </ul>
      )}
      {list && item && (
        <>
          <div class="review-nav">
            <button type="button" onClick={() => setIndex(Math.max(index - 1, 0))} disabled={index === 0} aria-label={t.previous}>
              ←
            </button>
            <span data-testid="review-position">
              {index + 1} / {list.items.length}
            </span>
            <button type="button" onClick={() => setIndex(Math.min(index + 1, list.items.length - 1))} disabled={index === list.items.length - 1} aria-label={t.next}>
              →
            </button>
            <code class="muted">{item.id}</code>
            <span class={`status status-${item.status}`} data-testid="review-status">
              {t.reviewStatus[item.status] ?? item.status}
            </span>
            <span class="muted shortcuts">{t.reviewShortcuts}</span>
          </div>
          <div class="review-grid">
            <div class="review-item" data-testid="review-item">
              <label>
                {t.instruction}
                {mode === 'edit' ? <textarea rows={3} value={instruction} onInput={(event) => setInstruction(event.currentTarget.value)} /> : <div class="bubble">{instruction}</div>}
              </label>
              <label>
                {t.output}
                {mode === 'edit' ? (
                  <textarea
                    ref={editor}
                    rows={6}
                    value={output}
                    data-testid="edit-output"
                    onInput={(event) => setOutput(event.currentTarget.value)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void saveEdit();
                      if (event.key === 'Escape') setMode('view');
                    }}
                  />
                ) : (
                  <div class="bubble">{output}</div>
                )}
              </label>
              {mode === 'reject' && (
                <form
                  class="inline"
                  onSubmit={(event) => {
                    event.preventDefault();
                    void decide({ action: 'reject', ...(reason.trim() ? { reason: reason.trim() } : {}) });
                  }}
                >
                  <label class="grow">
                    {t.rejectReason}
                    <input ref={reasonInput} value={reason} onInput={(event) => setReason(event.currentTarget.value)} onKeyDown={(event) => event.key === 'Escape' && setMode('view')} />
                  </label>
                  <button type="submit" class="danger">
                    {t.reject}
                  </button>
                </form>
              )}
              <div class="review-actions">
                {mode === 'edit' ? (
                  <button type="button" class="primary" onClick={() => void saveEdit()}>
                    {t.saveEdit}
                  </button>
                ) : (
                  <>
                    <button type="button" class="primary" onClick={() => void decide({ action: 'accept' })}>
                      {t.accept} (a)
                    </button>
                    <button type="button" onClick={() => setMode('edit')}>
                      {t.edit} (e)
                    </button>
                    <button type="button" class="danger" onClick={() => setMode('reject')}>
                      {t.reject} (r)
                    </button>
                  </>
                )}
              </div>
            </div>
            <aside class="review-source">
              <h2>{t.sourceChunk}</h2>
              {chunk ? (
                <>
                  <div class="heading-path">{chunk.headingPath.join(' › ')}</div>
                  <div class="muted">{chunk.documentPath}</div>
                  <blockquote class="passage">{chunk.text}</blockquote>
                </>
              ) : (
                <p class="muted">{item.chunkIds.length === 0 ? t.noSourceChunk : t.loading}</p>
              )}
            </aside>
          </div>
        </>
      )}
    </section>
  );
}
