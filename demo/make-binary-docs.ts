// Run: npx tsx demo/make-binary-docs.ts
//
// Writes the demo knowledge base's binary files: each demo/binary-src/<name>.docx.md becomes
// demo/kb/<dest>/<name>.docx and each <name>.pdf.md becomes a .pdf, where <dest> is named on the
// source's first line as <!-- dest: manuals -->. Deterministic: rerunning gives identical bytes.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBinaryDocuments } from '../test/fixtures/make-binary-documents.js';

const demoFolder = dirname(fileURLToPath(import.meta.url));
const written = await makeBinaryDocuments(join(demoFolder, 'binary-src'), join(demoFolder, 'kb'));
for (const file of written) {
  process.stdout.write(`${relative(process.cwd(), file.source)} → ${relative(process.cwd(), file.destination)} (${file.bytes} bytes)\n`);
}
