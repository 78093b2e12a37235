import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { REPOSITORY_ROOT } from './retrieval-config.js';

/** Where and on what a benchmark ran; stored with every result. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
}

/** The code a benchmark ran: commit plus whether the tree had uncommitted changes. */
export interface CodeVersion {
  commit: string;
  dirty: boolean;
}

export function describeMachine(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Reads (never changes) git state of this checkout, or of another (a baseline being compared). */
export function describeCodeVersion(root = REPOSITORY_ROOT): CodeVersion {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
}
