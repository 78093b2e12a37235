import { useState } from 'preact/hooks';
import type { SearchRequest, SearchResponse } from '../../src/server/api-types.js';
import { api } from './api.js';
import { Highlighted, readableTerms } from './highlight.js';
import { useMessages } from './i18n.js';

const MODES: NonNullable<SearchRequest['mode']>[] = ['auto', 'lexical', 'vector', 'hybrid'];

export function SearchPage({ knowledgeBase }: { knowledgeBase: string }) {
  const t = useMessages();
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<NonNullable<SearchRequest['mode']>>('auto');
  const [k, setK] = useState(5);
  const [result, setResult] = useState<SearchResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const request: SearchRequest = { query, mode, k };
      setResult(await api<SearchResponse>('POST', `/api/knowledge-bases/${encodeURIComponent(knowledgeBase)}/search`, request));
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <section class="page">
      <form class="search-form" onSubmit={search}>
        <label class="grow">
          {t.query}
          <input type="search" value={query} required onInput={(event) => setQuery(event.currentTarget.value)} />
        </label>
        <label>
          {t.mode}
          <select value={mode} onChange={(event) => setMode(event.currentTarget.value as typeof mode)}>
            {MODES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.k}
          <input type="number" min={1} max={100} value={k} onInput={(event) => setK(Number(event.currentTarget.value) || 5)} />
        </label>
        <button type="submit" class="primary">
          {t.search}
        </button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {result && (
        <>
          <p class="muted">
            {result.mode} · {t.tookMs(result.timings.totalMs)}
          </p>
          {result.hits.length === 0 && <p>{t.noHits}</p>}
          <ol class="hits" data-testid="hits">
            {result.hits.map((hit) => (
              <li key={hit.chunkId} class="hit" data-testid="hit" data-chunk-id={hit.chunkId}>
                <div class="hit-head">
                  <strong>{hit.documentTitle}</strong>
                  <span class="score">
                    {t.score} {hit.score.toFixed(3)}
                  </span>
                </div>
                <div class="heading-path">{hit.headingPath.join(' › ')}</div>
                <div class="muted">
                  {hit.documentPath} · {hit.start}–{hit.end}
                  {readableTerms(hit.matchedTerms).length > 0 && ` · ${t.matchedTerms}: ${readableTerms(hit.matchedTerms).join('、')}`}
                </div>
                <p class="chunk-text">
                  <Highlighted text={hit.text} terms={hit.matchedTerms} />
                </p>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
