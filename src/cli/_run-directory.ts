import path from 'node:path';
import type { HangjiaConfig } from '../config/index.js';

/**
 * Where a command's run directory goes. `--run-dir` (or `--out`) is taken as given, relative to
 * the working directory, and a run there with other settings is an error naming the setting.
 * Otherwise it is `$HANGJIA_HOME/runs/<name>` — beside the knowledge bases, not littering the
 * working directory, and found again from anywhere — and a run there with other settings sends
 * this run to `<name>.<digest>`, which the command announces. The path is printed on every run.
 */
export function chooseRunDirectory(config: Pick<HangjiaConfig, 'home'>, cwd: string, explicit: string | undefined, name: string): { directory: string; onIdentityMismatch: 'error' | 'new-directory' } {
  return explicit === undefined
    ? { directory: path.join(config.home, 'runs', name), onIdentityMismatch: 'new-directory' }
    : { directory: path.resolve(cwd, explicit), onIdentityMismatch: 'error' };
}
