/**
 * The web UI is typed against the server's API types (src/server/api-types.ts); `npm run build`
 * checks it with `tsc -p ui/tsconfig.json`, and so does this test, so that `npm test` fails when a
 * response shape changes under the UI rather than the UI breaking in a browser.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const UI_TSCONFIG = fileURLToPath(new URL('../../ui/tsconfig.json', import.meta.url));

describe('web UI sources', () => {
  it('type-check against the server API types', () => {
    const config = ts.getParsedCommandLineOfConfigFile(UI_TSCONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => expect.fail(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')) })!;
    expect(config.fileNames.some((file) => file.endsWith(path.join('ui', 'src', 'chat.tsx')))).toBe(true);
    const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noEmit: true } });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file && diagnostic.start !== undefined ? `${path.relative(process.cwd(), diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}: ` : '';
      return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
