import { HangjiaError } from '../errors/index.js';
import type { SourceFile } from './source-file.js';

/** `E_SOURCE_EMPTY`: the file was read, but holds no text to index. `why` says what to do about it. */
export function emptySourceError(file: SourceFile, why: string): HangjiaError {
  return new HangjiaError('E_SOURCE_EMPTY', `${file.path} has no text: ${why}`, {
    details: { path: file.path, format: file.format },
  });
}
