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
  // The terminal (xterm.js, most of the weight) is its own chunk, fetched when a Terminal tab opens.
  splitting: true,
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const script = basename(outputs.find(([p, o]) => p.endsWith('.js') && o.entryPoint)[0]);
const style = basename(outputs.find(([p]) => p.endsWith('.css'))[0]);
const chunks = outputs.map(([p]) => basename(p)).filter((f) => f.endsWith('.js') && f !== script);
const page = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('%SCRIPT%', `/console/${script}`)
  .replace('%STYLE%', `/console/${style}`);
writeFileSync(join(out, 'index.html'), page);

const gzipped = (name) => gzipSync(readFileSync(join(out, name)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
let first = 0;
for (const name of [script, style, 'index.html']) {
  first += gzipped(name);
  process.stdout.write(`[console] ${name}: ${kb(gzipped(name))} gzipped\n`);
}
let later = 0;
for (const name of chunks) {
  later += gzipped(name);
  process.stdout.write(`[console] ${name} (loaded on demand): ${kb(gzipped(name))} gzipped\n`);
}
process.stdout.write(`[console] first load ${kb(first)} gzipped; everything ${kb(first + later)} gzipped\n`);
