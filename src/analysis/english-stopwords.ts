/**
 * English words dropped from documents and queries.
 *
 * Our own list of closed-class words: articles, auxiliaries, pronouns, prepositions and
 * conjunctions. It is deliberately smaller than search-engine lists: `not`, `no`, `without`,
 * `after`, `before`, `over` and `under` stay because biomedical and legal questions turn on them
 * ("survival after surgery", "no difference"). Matched before stemming, on lower-case words.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the',
  'is', 'are', 'was', 'were', 'be', 'been', 'being', 'am',
  'do', 'does', 'did', 'has', 'have', 'had', 'having',
  'can', 'could', 'will', 'would', 'shall', 'should', 'may', 'might', 'must',
  'i', 'me', 'my', 'we', 'our', 'us', 'you', 'your', 'he', 'him', 'his', 'she', 'her', 'it', 'its',
  'they', 'them', 'their', 'this', 'that', 'these', 'those', 'there', 'here',
  'what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how',
  'of', 'in', 'on', 'at', 'to', 'for', 'from', 'by', 'with', 'as', 'into', 'onto', 'about', 'than',
  'and', 'or', 'but', 'if', 'so', 'then', 'also', 'such', 'any', 'some', 'each', 'other',
  'very', 'just', 'only',
]);
