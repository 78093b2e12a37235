import { useEffect, useRef, useState } from 'preact/hooks';
import type { AskResponse, AskStreamEvents, Chunk, Citation, SearchHit } from '../../src/server/api-types.js';
import { api, ApiError, streamEvents } from './api.js';
import { Highlighted, readableTerms } from './highlight.js';
import { useMessages, type Messages } from './i18n.js';

interface UserTurn {
  role: 'user';
  text: string;
}

interface AssistantTurn {
  role: 'assistant';
  text: string;
  streaming: boolean;
  hits: SearchHit[];
  citations: Citation[];
  answer?: AskResponse;
  error?: string;
}

type Turn = UserTurn | AssistantTurn;

/** What the source panel shows: the citation, and the chunk it points at once fetched. */
interface OpenSource {
  citation: Citation;
  chunk?: Chunk;
  matchedTerms: string[];
}

export function ChatPage({ knowledgeBase }: { knowledgeBase: string }) {
  const t = useMessages();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [question, setQuestion] = useState('');
  const [source, setSource] = useState<OpenSource | null>(null);
  const abort = useRef<AbortController | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const busy = turns.some((turn) => turn.role === 'assistant' && turn.streaming);

  useEffect(() => {
    setTurns([]);
    setSource(null);
  }, [knowledgeBase]);
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [turns]);

  const updateLast = (change: (turn: AssistantTurn) => AssistantTurn) =>
    setTurns((current) => current.map((turn, index) => (index === current.length - 1 && turn.role === 'assistant' ? change(turn) : turn)));

  async function ask(event?: Event) {
    event?.preventDefault();
    const text = question.trim();
    if (text === '' || busy) return;
    const history = turns
      .filter((turn) => turn.role === 'user' || (!turn.error && turn.answer?.kind !== 'refused'))
      .map((turn) => ({ role: turn.role, content: turn.role === 'user' ? turn.text : (turn.answer?.answer ?? turn.text) }));
    setTurns((current) => [...current, { role: 'user', text }, { role: 'assistant', text: '', streaming: true, hits: [], citations: [] }]);
    setQuestion('');
    const controller = new AbortController();
    abort.current = controller;
    try {
      await streamEvents(
        `/api/knowledge-bases/${encodeURIComponent(knowledgeBase)}/ask`,
        { question: text, history, stream: true },
        (name, data) => {
          if (name === 'retrieval-end') {
            const { hits } = data as AskStreamEvents['retrieval-end'];
            updateLast((turn) => ({ ...turn, hits }));
          } else if (name === 'text-delta') {
            const { delta } = data as AskStreamEvents['text-delta'];
            updateLast((turn) => ({ ...turn, text: turn.text + delta }));
          } else if (name === 'citation') {
            const citation = data as AskStreamEvents['citation'];
            updateLast((turn) => ({ ...turn, citations: [...turn.citations, citation] }));
          } else if (name === 'answer-end') {
            const answer = data as AskStreamEvents['answer-end'];
            updateLast((turn) => ({ ...turn, text: answer.answer, citations: answer.citations, answer, streaming: false }));
          } else if (name === 'error') {
            const { error } = data as AskStreamEvents['error'];
            updateLast((turn) => ({ ...turn, error: error.message, streaming: false }));
          }
        },
        controller.signal,
      );
    } catch (error) {
      if (!controller.signal.aborted) updateLast((turn) => ({ ...turn, error: (error as Error).message }));
    } finally {
      updateLast((turn) => ({ ...turn, streaming: false }));
      abort.current = null;
    }
  }

  async function openCitation(turn: AssistantTurn, n: number) {
    const citation = turn.citations.find((candidate) => candidate.n === n);
    if (!citation) return;
    const hit = turn.hits.find((candidate) => candidate.chunkId === citation.chunkId);
    const matchedTerms = readableTerms(hit?.matchedTerms ?? []);
    setSource({ citation, matchedTerms });
    try {
      const chunk = await api<Chunk>('GET', `/api/knowledge-bases/${encodeURIComponent(knowledgeBase)}/chunks/${encodeURIComponent(citation.chunkId)}`);
      setSource((current) => (current?.citation === citation ? { citation, chunk, matchedTerms } : current));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }

  function newConversation() {
    abort.current?.abort();
    setTurns([]);
    setSource(null);
  }

  return (
    <div class={`chat ${source ? 'with-source' : ''}`}>
      <section class="conversation" aria-label={t.navChat}>
        <div class="toolbar">
          <button type="button" onClick={newConversation} data-testid="new-conversation">
            {t.newConversation}
          </button>
        </div>
        <div class="turns" ref={log} aria-live="polite">
          {turns.length === 0 && <p class="hint">{t.emptyChat}</p>}
          {turns.map((turn, index) =>
            turn.role === 'user' ? (
              <div class="turn user" key={index}>
                <div class="who">{t.you}</div>
                <div class="bubble">{turn.text}</div>
              </div>
            ) : (
              <AssistantMessage key={index} turn={turn} t={t} onCitation={(n) => void openCitation(turn, n)} />
            ),
          )}
        </div>
        <form class="ask" onSubmit={ask}>
          <textarea
            value={question}
            rows={2}
            aria-label={t.askPlaceholder}
            placeholder={t.askPlaceholder}
            onInput={(event) => setQuestion(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) void ask(event);
            }}
          />
          {busy ? (
            <button type="button" onClick={() => abort.current?.abort()}>
              {t.stop}
            </button>
          ) : (
            <button type="submit" class="primary" disabled={question.trim() === ''}>
              {t.send}
            </button>
          )}
        </form>
      </section>
      {source && <SourcePanel source={source} t={t} onClose={() => setSource(null)} />}
    </div>
  );
}

function AssistantMessage({ turn, t, onCitation }: { turn: AssistantTurn; t: Messages; onCitation: (n: number) => void }) {
  const [copied, setCopied] = useState(false);
  const answer = turn.answer;
  const refused = answer?.kind === 'refused';

  async function copy() {
    const sources = turn.citations.map((citation) => `[${citation.n}] ${citation.documentTitle} › ${citation.headingPath.join(' › ')} (${citation.documentPath}:${citation.start}-${citation.end})`);
    await navigator.clipboard.writeText([turn.text, '', `${t.sources}:`, ...sources].join('\n'));
    setCopied(true);
  }

  return (
    <div class={`turn assistant ${answer ? `kind-${answer.kind}` : ''}`} data-testid="assistant-turn" data-streaming={String(turn.streaming)} data-kind={answer?.kind ?? ''}>
      <div class="who">{t.assistant}</div>
      {refused && (
        <div class="refusal" role="status" data-testid="refusal">
          <strong>{t.refusedLabel}</strong>
          <span class="evidence">{t.evidenceScore(answer.evidence.score.toFixed(2), answer.evidence.threshold.toFixed(2))}</span>
          {answer.refusal === 'model' && <span>{t.refusedModel}</span>}
        </div>
      )}
      {answer?.kind === 'extractive' && (
        <div class="label extractive" data-testid="extractive-label">
          {t.extractiveLabel}
        </div>
      )}
      <div class="bubble answer-text" data-testid="answer-text">
        <AnswerText text={turn.text} answer={answer} t={t} onCitation={onCitation} />
        {turn.streaming && <span class="cursor" aria-hidden="true" />}
      </div>
      {turn.error && (
        <div class="error" role="alert">
          {turn.error}
        </div>
      )}
      {answer && answer.unsupportedSentences.length > 0 && <div class="label flagged-note">{t.flaggedCount(answer.unsupportedSentences.length)}</div>}
      {answer?.incomplete && <div class="label">{t.incomplete}</div>}
      {answer && !refused && (
        <div class="meta">
          <span class="evidence">{t.evidenceScore(answer.evidence.score.toFixed(2), answer.evidence.threshold.toFixed(2))}</span>
          {answer.model && <span>{answer.model.modelId}</span>}
          <button type="button" class="link" onClick={() => void copy()}>
            {copied ? t.copied : t.copyAnswer}
          </button>
        </div>
      )}
    </div>
  );
}

/** The answer with `[n]` as buttons and the sentences the support check flagged marked. */
function AnswerText({ text, answer, t, onCitation }: { text: string; answer: AskResponse | undefined; t: Messages; onCitation: (n: number) => void }) {
  const flagged = answer?.unsupportedSentences ?? [];
  const pieces: Array<{ text: string; flag?: string }> = [];
  let position = 0;
  for (const sentence of [...flagged].sort((a, b) => a.start - b.start)) {
    if (sentence.start < position || sentence.end > text.length) continue;
    pieces.push({ text: text.slice(position, sentence.start) }, { text: text.slice(sentence.start, sentence.end), flag: sentence.reason });
    position = sentence.end;
  }
  pieces.push({ text: text.slice(position) });
  const known = new Set((answer?.citations ?? []).map((citation) => citation.n));
  const withMarkers = (part: string) =>
    part.split(/(\[\d+\])/).map((segment, index) => {
      const marker = /^\[(\d+)\]$/.exec(segment);
      if (!marker) return segment;
      const n = Number(marker[1]);
      if (answer && !known.has(n)) return segment;
      return (
        <button type="button" class="citation" key={index} data-n={n} aria-label={t.citation(n)} onClick={() => onCitation(n)}>
          {n}
        </button>
      );
    });
  return (
    <>
      {pieces.map((piece, index) =>
        piece.flag === undefined ? (
          <span key={index}>{withMarkers(piece.text)}</span>
        ) : (
          <mark class="flagged" key={index} title={`${t.flagged}: ${piece.flag}`} data-testid="flagged-sentence">
            {withMarkers(piece.text)}
          </mark>
        ),
      )}
    </>
  );
}

function SourcePanel({ source, t, onClose }: { source: OpenSource; t: Messages; onClose: () => void }) {
  const { citation, chunk, matchedTerms } = source;
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), [citation]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);
  const text = chunk?.text ?? citation.snippet;
  const snippetAt = text.indexOf(citation.snippet);
  return (
    <aside class="source-panel" aria-label={t.sourcePanel} data-testid="source-panel" data-chunk-id={citation.chunkId}>
      <header>
        <h2>
          [{citation.n}] {citation.documentTitle}
        </h2>
        <button type="button" ref={close} onClick={onClose} aria-label={t.close}>
          ×
        </button>
      </header>
      <dl>
        <dt>{t.headingPath}</dt>
        <dd class="heading-path" data-testid="heading-path">
          {citation.headingPath.join(' › ')}
        </dd>
        <dt>{t.file}</dt>
        <dd class="file">{citation.documentPath}</dd>
        <dt>{t.offsets}</dt>
        <dd data-testid="offsets">
          {citation.start}–{citation.end}
        </dd>
        {matchedTerms.length > 0 && (
          <>
            <dt>{t.matchedTerms}</dt>
            <dd>{matchedTerms.join('、')}</dd>
          </>
        )}
      </dl>
      <blockquote class="passage" data-testid="passage">
        {snippetAt < 0 ? (
          <Highlighted text={text} terms={matchedTerms} />
        ) : (
          <>
            <Highlighted text={text.slice(0, snippetAt)} terms={matchedTerms} />
            <span class="snippet" title={t.bestSentence}>
              <Highlighted text={citation.snippet} terms={matchedTerms} />
            </span>
            <Highlighted text={text.slice(snippetAt + citation.snippet.length)} terms={matchedTerms} />
          </>
        )}
      </blockquote>
    </aside>
  );
}
