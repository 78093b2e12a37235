import { DEFAULT_BM25_PARAMS, type Bm25ParamsInput } from '../index/index.js';
import { DEFAULT_CITATION_PARAMS, DEFAULT_GROUP_PARAMS, DEFAULT_TOPIC_PARAMS, type RescoringSettings, type RetrieveOptions } from '../retrieval/index.js';
import { HangjiaError } from '../errors/index.js';

/** How `search` combines retrievers. `auto` is hybrid when the knowledge base has embeddings, lexical otherwise. */
export type SearchMode = 'auto' | 'lexical' | 'vector' | 'hybrid';

/**
 * Every search setting, in one shape: the `search` section of the configuration, what a knowledge
 * base is opened with, and what one `search` call may change (MiniSearch's `searchOptions` over
 * its construction-time defaults). Defaults are {@link DEFAULT_SEARCH_SETTINGS}.
 */
export interface SearchSettings {
  /** Hits returned (1–1000, default 5). */
  k: number;
  mode: SearchMode;
  /** Weights of the lexical and vector lists in reciprocal rank fusion (default 1 and 1). */
  lexicalWeight: number;
  vectorWeight: number;
  /** The RRF constant k in 1/(k + rank) (default 60, as in Cormack et al. 2009). */
  rrfK: number;
  /**
   * Lexical field weights (BM25F): how many occurrences in the text one occurrence in the
   * document title / heading path is worth (0–100, default 1.5 each; 0 leaves the field out).
   * Statute collections whose titles only name the law rank better with a title weight of 0
   * (docs/design.md). A stored index takes other weights, or k1, in memory.
   */
  titleWeight: number;
  headingsWeight: number;
  /** BM25 term-frequency saturation (0–100, default 1.2). */
  k1: number;
  /**
   * Group evidence: how much a chunk gains from the best-matching chunks of its own document
   * (≥ 0, default 0.2; 0 turns it off). A rescoring stage, applied at query time.
   */
  groupWeight: number;
  /**
   * Topic evidence: how much a chunk gains from being about what the question is about, by
   * word vectors the index learns from the knowledge base's own text (≥ 0, default 0.8; 0 turns
   * it off; a knowledge base too small for word statistics has none). Applied at query time.
   */
  topicWeight: number;
  /**
   * Citation evidence: how much a chunk gains when other documents of the knowledge base name
   * its document by title (《…》), saturating as more of them do (≥ 0, default 0.2; 0 turns it
   * off). Applied at query time.
   */
  citationWeight: number;
}

/** The one definition of every search default; the lexical ones are the engine's own. */
export const DEFAULT_SEARCH_SETTINGS: Readonly<SearchSettings> = Object.freeze({
  k: 5,
  mode: 'auto',
  lexicalWeight: 1,
  vectorWeight: 1,
  rrfK: 60,
  titleWeight: DEFAULT_BM25_PARAMS.weights.title,
  headingsWeight: DEFAULT_BM25_PARAMS.weights.headings,
  k1: DEFAULT_BM25_PARAMS.k1,
  groupWeight: DEFAULT_GROUP_PARAMS.weight,
  topicWeight: DEFAULT_TOPIC_PARAMS.weight,
  citationWeight: DEFAULT_CITATION_PARAMS.weight,
});

const SETTING_NAMES = Object.keys(DEFAULT_SEARCH_SETTINGS) as Array<keyof SearchSettings>;

/**
 * `layers` merged over {@link DEFAULT_SEARCH_SETTINGS}, later layers winning; an `undefined` value
 * leaves the layer below it in place. A non-number where a number belongs throws `E_USAGE` naming it.
 *
 * @example
 * resolveSearchSettings({ k: 10 }, { titleWeight: 0 }); // { ...DEFAULT_SEARCH_SETTINGS, k: 10, titleWeight: 0 }
 */
export function resolveSearchSettings(...layers: ReadonlyArray<Partial<SearchSettings> | undefined>): SearchSettings {
  const settings: SearchSettings = { ...DEFAULT_SEARCH_SETTINGS };
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const name of SETTING_NAMES) {
      const value = layer[name];
      if (value === undefined) continue;
      if (name !== 'mode' && !(typeof value === 'number' && Number.isFinite(value))) {
        throw new HangjiaError('E_USAGE', `Search setting ${name} must be a number, got ${JSON.stringify(value)}.`, { details: { setting: name, value } });
      }
      (settings as unknown as Record<string, unknown>)[name] = value;
    }
  }
  return settings;
}

/** The BM25F parameters `settings` ask for (baked into a built index; a loaded one re-weighs in memory). */
export function lexicalParamsOf(settings: SearchSettings): Bm25ParamsInput {
  return { k1: settings.k1, weights: { title: settings.titleWeight, headings: settings.headingsWeight } };
}

/** The rescoring stages' settings in `settings` (see `createRescoringCascade`). */
export function rescoringSettingsOf(settings: SearchSettings): RescoringSettings {
  return { groups: { weight: settings.groupWeight }, topics: { weight: settings.topicWeight }, citations: { weight: settings.citationWeight } };
}

/** The fusion settings in `settings`, as `retrieve` takes them (`auto` leaves the mode to it). */
export function retrieveOptionsOf(settings: SearchSettings): Pick<RetrieveOptions, 'k' | 'mode' | 'lexicalWeight' | 'vectorWeight' | 'rrfK'> {
  return {
    k: settings.k,
    ...(settings.mode === 'auto' ? {} : { mode: settings.mode }),
    lexicalWeight: settings.lexicalWeight,
    vectorWeight: settings.vectorWeight,
    rrfK: settings.rrfK,
  };
}
