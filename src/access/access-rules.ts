import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { HangjiaError } from '../errors/index.js';
import { normalizeAccessGroups } from './access-filter.js';

/** The file in a source folder that gives its files access groups. */
export const ACCESS_RULES_FILE = '.hangjia-access.yaml';

/** One line of a rules file: files matching `glob` (relative to the folder) carry `groups`. */
export interface AccessRule {
  glob: string;
  groups: string[];
  /** 1-based line in the rules file, for messages. */
  line: number;
}

/** The rules of one folder's {@link ACCESS_RULES_FILE}. */
export interface AccessRules {
  file: string;
  rules: AccessRule[];
  /** The groups of a file at `relativePath` (`/`-separated, relative to the folder): every matching rule's, merged. */
  groupsFor(relativePath: string): string[];
}

/**
 * Reads `folder/.hangjia-access.yaml`, or returns undefined when there is none. The file is a
 * YAML mapping from glob (picomatch, relative to the folder, dot files included; a key equal to a
 * file's path names that file whatever characters it holds) to one group or a list of groups; a
 * file matching several globs carries all their groups:
 *
 * ```yaml
 * "薪酬/**": [hr]
 * "finance/*.csv": [finance, exec]
 * board-minutes.md: exec
 * ```
 *
 * @throws HangjiaError `E_ACCESS_RULES` naming the file and line of a YAML error, a value that is
 * not a group or list of groups, or a bad group name.
 */
export function readAccessRules(folder: string): AccessRules | undefined {
  const file = path.join(folder, ACCESS_RULES_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw rulesError(file, undefined, `cannot be read: ${(error as Error).message}`, error);
  }
  return parseAccessRules(text.replace(/^\uFEFF/, ''), file);
}

/** Parses the text of a rules file; `file` names it in errors. See {@link readAccessRules}. */
export function parseAccessRules(text: string, file: string): AccessRules {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError) {
    throw rulesError(file, firstError.linePos?.[0].line, `is not valid YAML: ${firstError.message.split('\n')[0]}`, firstError);
  }
  const lineOf = (node: Node | null | undefined): number | undefined => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);
  const rules: AccessRule[] = [];
  const contents = document.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
    return makeRules(file, rules);
  }
  if (!isMap(contents)) {
    throw rulesError(file, lineOf(contents), 'must be a mapping from glob to groups, e.g. "hr/**": [hr]');
  }
  for (const pair of contents.items) {
    const keyNode = pair.key as Node | null;
    const line = lineOf(keyNode) ?? 1;
    const glob = isScalar(keyNode) ? keyNode.value : undefined;
    if (typeof glob !== 'string' || glob.trim() === '') {
      throw rulesError(file, line, 'has a key that is not a glob: each key is a glob relative to the folder, e.g. "hr/**"');
    }
    const value = pair.value as Node | null;
    let names: string[];
    if (isScalar(value) && typeof value.value === 'string') {
      names = [value.value];
    } else if (isSeq(value) && value.items.every((item) => isScalar(item) && typeof item.value === 'string')) {
      names = value.items.map((item) => (item as { value: string }).value);
    } else {
      throw rulesError(file, line, `gives "${glob}" no groups: its value must be a group or a list of groups, e.g. [hr, finance]`);
    }
    if (names.length === 0) throw rulesError(file, line, `gives "${glob}" an empty list of groups; remove the line to leave its files unrestricted`);
    let groups: string[];
    try {
      groups = normalizeAccessGroups(names, `${file}:${line}`);
    } catch (error) {
      throw rulesError(file, line, `has an invalid group for "${glob}": ${(error as Error).message}`, error);
    }
    rules.push({ glob: glob.trim(), groups, line });
  }
  return makeRules(file, rules);
}

function makeRules(file: string, rules: AccessRule[]): AccessRules {
  // A key that is exactly a file's path names that file even when the name holds glob characters
  // (`报告[终稿].md`, where the glob alone would want one character of 终稿): an upload's line must name its file.
  const matchers = rules.map((rule) => {
    const glob = picomatch(rule.glob, { dot: true });
    return { matches: (relativePath: string) => relativePath === rule.glob || glob(relativePath), groups: rule.groups };
  });
  return {
    file,
    rules,
    groupsFor(relativePath) {
      const groups = new Set<string>();
      for (const matcher of matchers) if (matcher.matches(relativePath)) for (const group of matcher.groups) groups.add(group);
      return [...groups].sort();
    },
  };
}

function rulesError(file: string, line: number | undefined, problem: string, cause?: unknown): HangjiaError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new HangjiaError('E_ACCESS_RULES', `Access rules ${where} ${problem}. Fix the file and sync again; nothing was ingested with unknown permissions.`, {
    details: { path: file, ...(line === undefined ? {} : { line }) },
    ...(cause === undefined ? {} : { cause }),
  });
}
