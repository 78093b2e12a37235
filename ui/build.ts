/**
 * Builds the web UI (ui/src) into one folder of static files: index.html, app.js, app.css. Run by
 * `npm run build` into dist/ui, which `hangjia serve` serves at `/`; the browser tests build into
 * a temporary folder of their own. Everything is bundled: nothing loads from a CDN at run time.
 *
 * @example
 * await buildUi(path.join(os.tmpdir(), 'hangjia-ui'));
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SOURCE = fileURLToPath(new URL('./src/', import.meta.url));

export async function buildUi(outputDirectory: string): Promise<void> {
  fs.mkdirSync(outputDirectory, { recursive: true });
  await build({
    entryPoints: { app: path.join(SOURCE, 'main.tsx') },
    outdir: outputDirectory,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(SOURCE, 'index.html'), path.join(outputDirectory, 'index.html'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outputDirectory = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../dist/ui', import.meta.url)));
  await buildUi(outputDirectory);
  console.log(`web UI built into ${path.relative(process.cwd(), outputDirectory) || '.'}`);
}
