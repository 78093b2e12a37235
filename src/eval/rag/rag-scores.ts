/**
 * The RAG scores as pure functions of verdicts, shared by the model-judged and the lexical
 * evaluators. Definitions: Es et al. 2023, "RAGAS: Automated Evaluation of Retrieval Augmented
 * Generation" (arXiv:2309.15217, EACL 2024 demo), and the RAGAS documentation
 * (https://docs.ragas.io/en/stable/concepts/metrics/available_metrics/).
 */

/** Faithfulness = |supported claims| / |claims| (RAGAS §3, "F = |V| / |S|"). Null without claims. */
export function faithfulnessScore(supported: readonly boolean[]): number | null {
  return shareTrue(supported);
}

/**
 * Context precision@K (RAGAS docs, "Context Precision"): the mean of precision@k over the ranks k
 * holding a relevant context,
 *
 *   CP@K = Σ_{k=1..K} (precision@k · v_k) / (number of relevant contexts in the top K),
 *
 * with v_k ∈ {0, 1} the relevance of rank k and precision@k = (relevant in top k) / k. This is
 * average precision over the retrieved list: relevant contexts ranked first score higher than
 * the same contexts ranked last. 0 when none is relevant (RAGAS divides by the count plus 1e-10),
 * null without contexts.
 *
 * @example
 * contextPrecisionScore([true, false, true]) // (1/1 + 2/3) / 2 = 5/6
 */
export function contextPrecisionScore(relevant: readonly boolean[]): number | null {
  if (relevant.length === 0) return null;
  let found = 0;
  let sum = 0;
  relevant.forEach((isRelevant, index) => {
    if (!isRelevant) return;
    found += 1;
    sum += found / (index + 1);
  });
  return found === 0 ? 0 : sum / found;
}

/** Context recall = |reference claims attributable to the context| / |reference claims| (RAGAS). Null without claims. */
export function contextRecallScore(attributed: readonly boolean[]): number | null {
  return shareTrue(attributed);
}

/**
 * Citation scores (ours), from the sentences of an answer and a verdict per `[n]` of each:
 *
 * - precision = supported citations / citations (a marker pointing at no context is unsupported);
 * - cited-sentence accuracy = sentences with ≥ 1 supporting citation / sentences with citations;
 * - coverage = sentences with citations / sentences with content.
 *
 * Each citation is judged on its own passage. ALCE (Gao et al. 2023, "Enabling Large Language
 * Models to Generate Text with Citations", §2.3) instead judges a sentence against the
 * concatenation of its passages; with one marker per sentence, the usual case, the two agree.
 */
export function citationScores(
  sentenceCount: number,
  citations: ReadonlyArray<{ sentence: number; supported: boolean }>,
): { citationPrecision: number | null; citedSentenceAccuracy: number | null; citationCoverage: number | null; correct: Array<boolean | null> } {
  const correct: Array<boolean | null> = Array.from({ length: sentenceCount }, () => null);
  for (const citation of citations) correct[citation.sentence] = (correct[citation.sentence] ?? false) || citation.supported;
  const cited = correct.filter((value): value is boolean => value !== null);
  return {
    citationPrecision: shareTrue(citations.map((citation) => citation.supported)),
    citedSentenceAccuracy: shareTrue(cited),
    citationCoverage: sentenceCount === 0 ? null : cited.length / sentenceCount,
    correct,
  };
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosineSimilarity(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index += 1) {
    dot += left[index]! * right[index]!;
    leftNorm += left[index]! * left[index]!;
    rightNorm += right[index]! * right[index]!;
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}

function shareTrue(values: readonly boolean[]): number | null {
  return values.length === 0 ? null : values.filter(Boolean).length / values.length;
}
