// Builds the browser console into web/dist: one hashed script, one hashed stylesheet (ours plus
// xterm's), and index.html naming them. Prints the gzipped size of what a browser downloads.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: { app: join(here, 'src', 'main.tsx') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => f.endsWith('.js'));
const style = outputs.find((f) => f.endsWith('.css'));
const page = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('%SCRIPT%', `/console/${script}`)
  .replace('%STYLE%', `/console/${style}`);
writeFileSync(join(out, 'index.html'), page);

let total = 0;
for (const name of [script, style, 'index.html']) {
  const gz = gzipSync(readFileSync(join(out, name)), { level: 9 }).length;
  total += gz;
  process.stdout.write(`[console] ${name}: ${(gz / 1024).toFixed(1)} kB gzipped\n`);
}
process.stdout.write(`[console] total: ${(total / 1024).toFixed(1)} kB gzipped\n`);
