import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { canReadDocument, parseAccessRules, readAccessRules } from './index.js';

const temporaryDirectory = useTemporaryDirectories();

function problem(text: string): HangjiaError {
  try {
    parseAccessRules(text, '/data/.hangjia-access.yaml');
  } catch (error) {
    if (HangjiaError.is(error)) return error;
  }
  throw new Error('expected an E_ACCESS_RULES error');
}

describe('.hangjia-access.yaml', () => {
  it('maps globs to groups; a file matching several carries them all', () => {
    const rules = parseAccessRules('# comment\n"薪酬/**": [hr]\nfinance/*.csv: [finance, exec]\nboard.md: exec\n"**/*.md": [staff]\n', 'rules.yaml');
    expect(rules.rules.map((rule) => [rule.glob, rule.groups, rule.line])).toEqual([
      ['薪酬/**', ['hr'], 2],
      ['finance/*.csv', ['exec', 'finance'], 3],
      ['board.md', ['exec'], 4],
      ['**/*.md', ['staff'], 5],
    ]);
    expect(rules.groupsFor('薪酬/2026/表.md')).toEqual(['hr', 'staff']);
    expect(rules.groupsFor('finance/q1.csv')).toEqual(['exec', 'finance']);
    expect(rules.groupsFor('board.md')).toEqual(['exec', 'staff']);
    expect(rules.groupsFor('notes.txt')).toEqual([]);
    expect(parseAccessRules('', 'empty.yaml').rules).toEqual([]);
    // A file name with glob characters, as an upload may have, is matched as itself ([终稿] alone is a character class).
    const literal = parseAccessRules('"报告[终稿].md": [board]\n', 'rules.yaml');
    expect(literal.groupsFor('报告[终稿].md')).toEqual(['board']);
  });

  it('names the file and line of every mistake', () => {
    expect(problem('"hr/**": [hr]\n"x/**": [a\n').details).toMatchObject({ path: '/data/.hangjia-access.yaml' });
    expect(problem('"hr/**": [hr]\n"x/**": [a\n').message).toMatch(/^Access rules \/data\/\.hangjia-access\.yaml:\d+ is not valid YAML/);
    expect(problem('- hr\n- finance\n').message).toContain('must be a mapping from glob to groups');
    expect(problem('a: [hr]\nb: {group: hr}\n').details).toMatchObject({ line: 2 });
    expect(problem('a: [hr]\nb: []\n').message).toContain(':2 gives "b" an empty list');
    expect(problem('a: [hr]\n\nc: [hr, "two words"]\n').message).toContain(':3 has an invalid group for "c"');
    expect(problem('a: [hr]\na: [x]\n').code).toBe('E_ACCESS_RULES');
  });

  it('reads the file of a folder, and nothing when there is none', () => {
    const folder = temporaryDirectory();
    expect(readAccessRules(folder)).toBeUndefined();
    writeFiles(folder, { '.hangjia-access.yaml': '\uFEFFhr/**: hr\n' });
    expect(readAccessRules(folder)!.groupsFor('hr/a.md')).toEqual(['hr']);
  });
});

describe('canReadDocument', () => {
  it('lets anyone read a document without groups, and only a sharing caller one with groups', () => {
    expect(canReadDocument([], { groups: [] })).toBe(true);
    expect(canReadDocument(['hr'], undefined)).toBe(true);
    expect(canReadDocument(['hr'], { groups: [] })).toBe(false);
    expect(canReadDocument(['hr', 'exec'], { groups: ['finance', 'exec'] })).toBe(true);
    expect(canReadDocument(['hr'], { groups: ['HR'] })).toBe(false);
  });
});
