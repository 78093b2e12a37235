import { useEffect, useState } from 'preact/hooks';
import type { EvaluationRun, EvaluationRunList, PairwiseDecisionRequest, PairwiseReviewState } from '../../src/server/api-types.js';
import { api, apiText } from './api.js';
import { useMessages, type Messages } from './i18n.js';

type PairwiseSummary = PairwiseReviewState['summary'];

export function EvaluationListPage() {
  const t = useMessages();
  const [runs, setRuns] = useState<EvaluationRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<{ name: string; html: string } | null>(null);
  useEffect(() => void api<EvaluationRunList>('GET', '/api/evaluations').then(({ runs: loaded }) => setRuns(loaded), (failure: Error) => setError(failure.message)), []);
  return (
    <section class="page">
      <h1>{t.navEvaluation}</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {runs && runs.length === 0 && <p class="hint">{t.noRuns}</p>}
      {runs && runs.length > 0 && (
        <table class="list" data-testid="evaluation-runs">
          <thead>
            <tr>
              <th>{t.name}</th>
              <th>{t.runKind}</th>
              <th>{t.summary}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.name}>
                <td>
                  {run.pairwiseReview ? <a href={`#/eval/${encodeURIComponent(run.name)}`}>{run.name}</a> : run.name}
                  {run.report && (
                    <button
                      type="button"
                      class="link"
                      onClick={() =>
                        void apiText(`/api/evaluations/${encodeURIComponent(run.name)}/report`).then((html) => setReport({ name: run.name, html }), (failure: Error) => setError(failure.message))
                      }
                    >
                      {t.openReport}
                    </button>
                  )}
                </td>
                <td>{run.pairwiseReview ? t.humanPairwise : String(run.config?.['mode'] ?? run.config?.['kind'] ?? '')}</td>
                <td>{isPairwiseSummary(run.summary?.['summary']) ? <WinRate summary={run.summary['summary']} t={t} /> : <Numbers values={run.summary} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report && (
        // The report is self-contained HTML (inline CSS and SVG): an empty sandbox lets it run nothing and reach nothing.
        <iframe class="report" data-testid="comparison-report" title={t.comparisonReport(report.name)} sandbox="" srcdoc={report.html} />
      )}
    </section>
  );
}

function isPairwiseSummary(value: unknown): value is PairwiseSummary {
  return typeof value === 'object' && value !== null && 'winRate' in value && 'confidenceInterval' in value;
}

/** The top-level numbers of a summary (accuracy, nDCG…), as `name value` pairs. */
function Numbers({ values }: { values: Record<string, unknown> | null }) {
  if (!values) return <span class="muted">—</span>;
  const numbers = Object.entries(values).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  return <span class="muted">{numbers.map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(3)}`).join(' · ') || '—'}</span>;
}

/** A's win rate as a bar on [0, 1] with its confidence interval drawn as a whisker. */
function WinRate({ summary, t }: { summary: PairwiseSummary; t: Messages }) {
  if (summary.winRate === null) return <span class="muted">{t.pairsDecided(summary.decided, summary.items)}</span>;
  const [low, high] = summary.confidenceInterval ?? [summary.winRate, summary.winRate];
  return (
    <span class="win-rate" data-testid="win-rate">
      <span class="chart" role="img" aria-label={t.winRateLabel(summary.winRate, low, high)}>
        <span class="bar" style={{ width: `${summary.winRate * 100}%` }} />
        <span class="whisker" style={{ left: `${low * 100}%`, width: `${Math.max(0, high - low) * 100}%` }} />
        <span class="half" />
      </span>
      <span>{t.winRateLabel(summary.winRate, low, high)}</span>
      <span class="muted">
        {t.pairsDecided(summary.decided, summary.items)} · G {summary.wins} / S {summary.ties} / B {summary.losses}
      </span>
    </span>
  );
}

/** Human pairwise review: the question and two answers in a blinded order; g / s / b decide (keys too). */
export function PairwiseReviewPage({ name }: { name: string }) {
  const t = useMessages();
  const [state, setState] = useState<PairwiseReviewState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = `/api/evaluations/${encodeURIComponent(name)}/pairwise`;
  useEffect(() => void api<PairwiseReviewState>('GET', path).then(setState, (failure: Error) => setError(failure.message)), [name]);

  async function decide(key: PairwiseDecisionRequest['key']) {
    if (!state?.next || busy) return;
    setBusy(true);
    try {
      setState(await api<PairwiseReviewState>('POST', path, { id: state.next.id, key }));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLElement && ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.target.tagName);
      if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'g' || event.key === 's' || event.key === 'b') {
        event.preventDefault();
        void decide(event.key);
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  return (
    <section class="page">
      <h1>
        {t.humanPairwise} · {name}
      </h1>
      {error && <p class="error" role="alert">{error}</p>}
      {state && <WinRate summary={state.summary} t={t} />}
      {state && !state.next && <p data-testid="pairwise-done">{t.pairwiseDone}</p>}
      {state?.next && (
        <div class="pairwise" data-testid="pair" data-id={state.next.id}>
          <p class="muted">
            {state.next.position} / {state.summary.items} · <code>{state.next.id}</code>
          </p>
          <div class="bubble">{state.next.question}</div>
          {state.next.reference !== null && (
            <p class="muted">
              {t.reference}: {state.next.reference}
            </p>
          )}
          <div class="review-grid">
            {state.next.answers.map((answer, index) => (
              <div key={index}>
                <h2>{t.answerN(index + 1)}</h2>
                <div class="bubble" data-testid={`answer-${index + 1}`}>
                  {answer}
                </div>
              </div>
            ))}
          </div>
          <div class="review-actions">
            <button type="button" class="primary" disabled={busy} onClick={() => void decide('g')}>
              {t.better} (g)
            </button>
            <button type="button" disabled={busy} onClick={() => void decide('s')}>
              {t.same} (s)
            </button>
            <button type="button" disabled={busy} onClick={() => void decide('b')}>
              {t.worse} (b)
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
