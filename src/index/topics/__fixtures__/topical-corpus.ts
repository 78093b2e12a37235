/**
 * A synthetic collection with known topics, for testing what word co-occurrence can learn. Each
 * text is about one topic: exactly one of the topic's three core words and seven of its six
 * context words (drawn with repeats). Core words of a topic therefore never occur together, yet
 * share every context: their vectors can only come out close through second-order similarity.
 */
export const TOPICS = {
  fruit: { core: ['apple', 'pear', 'plum'], context: ['sweet', 'juicy', 'orchard', 'harvest', 'ripe', 'peel'] },
  vehicle: { core: ['car', 'truck', 'van'], context: ['engine', 'wheel', 'road', 'driver', 'fuel', 'brake'] },
  court: { core: ['court', 'judge', 'trial'], context: ['verdict', 'appeal', 'lawyer', 'evidence', 'witness', 'sentence'] },
  clinic: { core: ['doctor', 'nurse', 'clinic'], context: ['patient', 'fever', 'dose', 'symptom', 'therapy', 'ward'] },
  sport: { core: ['football', 'tennis', 'golf'], context: ['match', 'score', 'team', 'coach', 'ball', 'player'] },
  music: { core: ['piano', 'violin', 'guitar'], context: ['melody', 'concert', 'note', 'rhythm', 'band', 'song'] },
} as const;

export type TopicName = keyof typeof TOPICS;
export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

/** `count` word sequences, cycling through the topics; the same every time (a fixed-seed generator). */
export function topicalSequences(count: number): Array<{ topic: TopicName; words: string[] }> {
  let seed = 12345;
  const next = (limit: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % limit;
  };
  return Array.from({ length: count }, (_, index) => {
    const topic = TOPIC_NAMES[index % TOPIC_NAMES.length]!;
    const { core, context } = TOPICS[topic];
    const words: string[] = [core[next(core.length)]!];
    for (let position = 0; position < 7; position++) words.splice(next(words.length + 1), 0, context[next(context.length)]!);
    return { topic, words };
  });
}
