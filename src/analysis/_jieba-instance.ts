import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/**
 * Jieba instances, created on first use and shared.
 *
 * Loading the bundled dictionary takes about 200 ms, so an analyzer must not pay it at import
 * time (the CLI loads analysis for commands that never segment) nor once per analyzer. A user
 * dictionary is loaded into its own instance, because `loadDict` mutates the instance and two
 * knowledge bases with different domain terms must not change each other's segmentation. The
 * key is the sorted word list, so equal dictionaries share an instance.
 */
const instances = new Map<string, Jieba>();

export function getJieba(userDictionary: readonly string[]): Jieba {
  const words = [...new Set(userDictionary.map((word) => word.trim()).filter((word) => word.length > 0))].sort();
  const key = words.join('\n');
  let instance = instances.get(key);
  if (instance === undefined) {
    instance = Jieba.withDict(dict);
    if (words.length > 0) {
      // A high frequency makes jieba prefer the domain term over splitting it; `n` tags it as a noun.
      instance.loadDict(Buffer.from(words.map((word) => `${word} 100000 n`).join('\n')));
    }
    instances.set(key, instance);
  }
  return instance;
}
