import { access } from 'node:fs/promises';
import path from 'node:path';
import { createModelLoadError } from '../../models/index.js';

const PROVIDER = 'transformers';

/**
 * Imports transformers.js (an optional peer dependency) for the model folder `modelDir`, after
 * checking that the folder holds `config.json`, and turns remote downloads off. Private to
 * `providers/transformers/`: both adapters load through it, so both fail the same way.
 */
export async function loadTransformersLibrary(modelDir: string, files: string): Promise<typeof import('@huggingface/transformers')> {
  const modelPath = path.resolve(modelDir);
  let library: typeof import('@huggingface/transformers');
  try {
    library = await import('@huggingface/transformers');
  } catch (cause) {
    throw createModelLoadError({
      provider: PROVIDER,
      modelId: modelDir,
      reason: 'the optional package @huggingface/transformers is not installed (or failed to import). Run: npm install @huggingface/transformers',
      cause,
    });
  }
  try {
    await access(path.join(modelPath, 'config.json'));
  } catch (cause) {
    throw createModelLoadError({
      provider: PROVIDER,
      modelId: modelDir,
      reason: `${modelPath} has no config.json. Point modelDir at a folder holding ${files}.`,
      cause,
    });
  }
  library.env.allowRemoteModels = false;
  library.env.allowLocalModels = true;
  return library;
}
