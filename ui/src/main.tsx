/**
 * The web UI of `hangjia serve`: one page, routed by the URL hash (#/chat/<kb>, #/kb, #/kb/<kb>,
 * #/search/<kb>, #/admin) so the server needs nothing but its static files at `/`.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { KnowledgeBaseList, WhoAmI } from '../../src/server/api-types.js';
import { AdminPage } from './admin.js';
import { api, ApiError, storedKey, storeKey } from './api.js';
import { ChatPage } from './chat.js';
import { EvaluationListPage, PairwiseReviewPage } from './evaluation.js';
import { initialLanguage, MESSAGES, MessagesContext, rememberLanguage, type Language, type Messages } from './i18n.js';
import { KnowledgeBaseListPage, KnowledgeBasePage } from './knowledge-bases.js';
import { ReviewPage } from './review.js';
import { SearchPage } from './search.js';
import './styles.css';

type Route = { page: 'chat' | 'search' | 'kb'; knowledgeBase?: string } | { page: 'review'; knowledgeBase?: string; file?: string } | { page: 'eval'; run?: string } | { page: 'kbs' } | { page: 'admin' };

function parseRoute(hash: string): Route {
  const [page, name, file] = hash.replace(/^#\/?/, '').split('/');
  const knowledgeBase = name ? decodeURIComponent(name) : undefined;
  if (page === 'admin') return { page: 'admin' };
  if (page === 'eval') return name ? { page: 'eval', run: decodeURIComponent(name) } : { page: 'eval' };
  if (page === 'review') return { page: 'review', ...(knowledgeBase ? { knowledgeBase } : {}), ...(file ? { file: decodeURIComponent(file) } : {}) };
  if (page === 'kb' && knowledgeBase) return { page: 'kb', knowledgeBase };
  if (page === 'kb') return { page: 'kbs' };
  if (page === 'search') return knowledgeBase ? { page: 'search', knowledgeBase } : { page: 'search' };
  return knowledgeBase ? { page: 'chat', knowledgeBase } : { page: 'chat' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [me, setMe] = useState<WhoAmI | 'needs-key' | null>(null);
  const [keyRejected, setKeyRejected] = useState(false);
  const [knowledgeBases, setKnowledgeBases] = useState<string[]>([]);
  const route = useRoute();
  const t = MESSAGES[language];

  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    document.title = `${t.appName} · hangjia`;
  }, [language]);

  async function identify() {
    try {
      setMe(await api<WhoAmI>('GET', '/api/me'));
      const list = await api<KnowledgeBaseList>('GET', '/api/knowledge-bases');
      setKnowledgeBases(list.knowledgeBases.map((kb) => kb.name));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setKeyRejected(storedKey() !== null);
      storeKey(null);
      setMe('needs-key');
    }
  }
  useEffect(() => void identify(), []);

  const switchLanguage = () => {
    const next: Language = language === 'zh' ? 'en' : 'zh';
    rememberLanguage(next);
    setLanguage(next);
  };

  const current = 'knowledgeBase' in route ? route.knowledgeBase : undefined;
  const selected = current ?? knowledgeBases[0];
  return (
    <MessagesContext.Provider value={t}>
      <header class="top">
        <a class="brand" href="#/chat">
          行家 <span>hangjia</span>
        </a>
        {me && me !== 'needs-key' && (
          <nav aria-label="main">
            <a href={`#/chat/${encodeURIComponent(selected ?? '')}`} aria-current={route.page === 'chat' ? 'page' : undefined}>
              {t.navChat}
            </a>
            <a href="#/kb" aria-current={route.page === 'kbs' || route.page === 'kb' ? 'page' : undefined}>
              {t.navKnowledgeBases}
            </a>
            <a href={`#/search/${encodeURIComponent(selected ?? '')}`} aria-current={route.page === 'search' ? 'page' : undefined}>
              {t.navSearch}
            </a>
            {me.role !== 'reader' && (
              <a href={`#/review/${encodeURIComponent(selected ?? '')}`} aria-current={route.page === 'review' ? 'page' : undefined}>
                {t.navReview}
              </a>
            )}
            {me.role !== 'reader' && (
              <a href="#/eval" aria-current={route.page === 'eval' ? 'page' : undefined}>
                {t.navEvaluation}
              </a>
            )}
            {me.role === 'admin' && (
              <a href="#/admin" aria-current={route.page === 'admin' ? 'page' : undefined} data-testid="nav-admin">
                {t.navAdmin}
              </a>
            )}
          </nav>
        )}
        <span class="spacer" />
        {(route.page === 'chat' || route.page === 'search' || route.page === 'review') && knowledgeBases.length > 0 && (
          <label class="kb-select">
            <span class="visually-hidden">{t.chooseKnowledgeBase}</span>
            <select value={selected} onChange={(event) => (location.hash = `#/${route.page}/${encodeURIComponent(event.currentTarget.value)}`)}>
              {knowledgeBases.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" class="link" onClick={switchLanguage} data-testid="language">
          {t.language}
        </button>
        {storedKey() && (
          <button
            type="button"
            class="link"
            onClick={() => {
              storeKey(null);
              location.reload();
            }}
          >
            {t.signOut}
          </button>
        )}
      </header>
      <main>{me === null ? <p class="page">{t.loading}</p> : me === 'needs-key' ? <KeyForm t={t} rejected={keyRejected} onKey={identify} /> : <Page route={route} me={me} selected={selected} t={t} onKnowledgeBasesChanged={identify} />}</main>
    </MessagesContext.Provider>
  );
}

function Page({ route, me, selected, t, onKnowledgeBasesChanged }: { route: Route; me: WhoAmI; selected: string | undefined; t: Messages; onKnowledgeBasesChanged: () => void }) {
  if (route.page === 'admin') return me.role === 'admin' ? <AdminPage /> : <p class="page error" role="alert" data-testid="forbidden">{t.forbidden}</p>;
  if (route.page === 'eval') return route.run ? <PairwiseReviewPage name={route.run} /> : <EvaluationListPage />;
  if (route.page === 'kbs') return <KnowledgeBaseListPage me={me} onChanged={onKnowledgeBasesChanged} />;
  if (route.page === 'kb' && route.knowledgeBase) return <KnowledgeBasePage name={route.knowledgeBase} me={me} />;
  if (!selected) return <KnowledgeBaseListPage me={me} onChanged={onKnowledgeBasesChanged} />;
  if (route.page === 'search') return <SearchPage knowledgeBase={selected} />;
  if (route.page === 'review') return <ReviewPage knowledgeBase={selected} file={route.file} />;
  return <ChatPage knowledgeBase={selected} />;
}

function KeyForm({ t, rejected, onKey }: { t: Messages; rejected: boolean; onKey: () => Promise<void> }) {
  const [key, setKey] = useState('');
  return (
    <form
      class="page key-prompt"
      onSubmit={(event) => {
        event.preventDefault();
        storeKey(key.trim());
        void onKey();
      }}
    >
      <h1>{t.keyTitle}</h1>
      <p>{t.keyHelp}</p>
      {rejected && <p class="error" role="alert">{t.keyInvalid}</p>}
      <label>
        {t.keyLabel}
        <input type="password" autoFocus autoComplete="off" value={key} required onInput={(event) => setKey(event.currentTarget.value)} data-testid="key-input" />
      </label>
      <button type="submit" class="primary">
        {t.keySubmit}
      </button>
    </form>
  );
}

render(<App />, document.getElementById('app')!);
