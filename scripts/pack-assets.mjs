// Gives the browser bundle content-hashed names and precompressed copies, so the server
// can send it with `Cache-Control: immutable` and without compressing it per request.
//
//   node scripts/pack-assets.mjs <site root>
//
// The stylesheet is minified first (comments and layout whitespace dropped: 592 B less
// brotli on the wire; the source keeps its comments), and so is wasm-bindgen's JavaScript
// (esbuild: 43,997 → 19,719 B, 6,358 → 5,006 B brotli).
//
// In <site root>/pkg: guestroom.js, guestroom_bg.wasm and guestroom.picker.js become
// guestroom.<hash>.js, guestroom.<hash>_bg.wasm and guestroom.<hash>.picker.js, one hash
// over all three (wasm-bindgen generates the JS for that very wasm, so they change
// together; the island finds the picker by the main script's name), and guestroom.css becomes guestroom.<hash>.css;
// each gets a .br (brotli, quality 11) and a .gz (gzip -9) next to it. Release bundles
// only: a debug bundle keeps its plain names and is sent as it is (scripts/build.sh).
// <site root>/hash.txt records the two hashes (`scripts: <hash>`, `css: <hash>`); the
// server reads it once at start-up to link the names in its pages.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { transformSync } from 'esbuild';

const [siteRoot] = process.argv.slice(2);
if (!siteRoot) {
  throw new Error('usage: pack-assets.mjs <site root>');
}
const pkg = join(siteRoot, 'pkg');

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

/** Each file of the bundle: the hash its name carries, and its minifier where it has one. */
const files = [
  { from: 'guestroom.js', group: 'scripts', to: (hash) => `guestroom.${hash}.js`, minify: minifyJs },
  { from: 'guestroom_bg.wasm', group: 'scripts', to: (hash) => `guestroom.${hash}_bg.wasm` },
  // Loaded by the island when a picker first opens: it finds the name from the main
  // script's, so the two share a hash.
  { from: 'guestroom.picker.js', group: 'scripts', to: (hash) => `guestroom.${hash}.picker.js`, minify: minifyJs },
  { from: 'guestroom.css', group: 'css', to: (hash) => `guestroom.${hash}.css`, minify: minifyCss },
];
const contents = files.map(({ from, minify }) => {
  const read = readFileSync(join(pkg, from));
  return minify ? Buffer.from(minify(read.toString('utf8'))) : read;
});
const hashOf = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 16);
};
const inGroup = (group) => contents.filter((_, index) => files[index].group === group);
const hashes = { scripts: hashOf(...inGroup('scripts')), css: hashOf(...inGroup('css')) };

files.forEach(({ from, group, to }, index) => {
  const bytes = contents[index];
  const name = to(hashes[group]);
  rmSync(join(pkg, from));
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(join(pkg, name), bytes);
  writeFileSync(join(pkg, `${name}.br`), br);
  writeFileSync(join(pkg, `${name}.gz`), gz);
  console.log(`${name}: ${bytes.length} B raw, ${gz.length} B gzip, ${br.length} B brotli`);
});
writeFileSync(join(siteRoot, 'hash.txt'), `scripts: ${hashes.scripts}\ncss: ${hashes.css}\n`);
