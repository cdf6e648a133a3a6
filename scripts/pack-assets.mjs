// Gives the browser bundle content-hashed names and precompressed copies, so the server
// can send it with `Cache-Control: immutable` and without compressing it per request.
//
//   node scripts/pack-assets.mjs <site root>
//
// The stylesheet is minified first (comments and layout whitespace dropped: 592 B less
// brotli on the wire; the source keeps its comments), and so is wasm-bindgen's JavaScript
// (esbuild: 43,997 → 19,719 B, 6,358 → 5,006 B brotli).
//
// In <site root>/pkg: guestroom.js, guestroom_bg.wasm and guestroom.css become
// guestroom.<hash>.{js,wasm,css}, each with a .br (brotli, quality 11) and a .gz
// (gzip -9) next to it. <site root>/hash.txt records the hashes in the form Leptos reads
// (`js: <hash>` …) to put the hashed names in the page.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { transformSync } from 'esbuild';

const siteRoot = process.argv[2];
if (!siteRoot) throw new Error('usage: pack-assets.mjs <site root>');
const pkg = join(siteRoot, 'pkg');

const assets = [
  { kind: 'js', from: 'guestroom.js', ext: 'js' },
  { kind: 'wasm', from: 'guestroom_bg.wasm', ext: 'wasm' },
  { kind: 'css', from: 'guestroom.css', ext: 'css' },
];

/**
 * Our stylesheet without comments and layout whitespace. Not a general minifier: it
 * relies on what main.css holds (no comment-like text or significant runs of spaces in
 * strings, no space before a `:` that starts a pseudo-class).
 */
const minifyCss = (css) =>
  css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}')
    .trim();

/** wasm-bindgen's module, minified; an ES module still, with its exports' names kept. */
const minifyJs = (js) => transformSync(js, { minify: true, format: 'esm' }).code;

const lines = [];
for (const { kind, from, ext } of assets) {
  const read = readFileSync(join(pkg, from));
  const minified = { css: minifyCss, js: minifyJs }[kind];
  const bytes = minified ? Buffer.from(minified(read.toString('utf8'))) : read;
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const name = `guestroom.${hash}.${ext}`;
  renameSync(join(pkg, from), join(pkg, name));
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(join(pkg, `${name}.br`), br);
  writeFileSync(join(pkg, `${name}.gz`), gz);
  lines.push(`${kind}: ${hash}`);
  console.log(`${name}: ${bytes.length} B raw, ${gz.length} B gzip, ${br.length} B brotli`);
}
writeFileSync(join(siteRoot, 'hash.txt'), `${lines.join('\n')}\n`);
