// The weight budget: the first load of `/` (the HTML and every file it names: JS, wasm,
// CSS), as the server sends it to a browser that accepts brotli and gzip, stays within
// 190 KB on the wire. Prints the breakdown, which the figures in the docs come from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { startServer } from '../support.mjs';

const BUDGET_BYTES = 190_000;

/** One GET as a browser would send it; resolves to the status, headers and raw body size. */
function fetchRaw(url) {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'br, gzip', accept: 'text/html,*/*' } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test(`the first load of / is at most ${BUDGET_BYTES} bytes on the wire`, async () => {
  const server = await startServer();
  try {
    const page = await fetchRaw(server.url + '/');
    assert.equal(page.status, 200);
    assert.ok(['br', 'gzip'].includes(page.headers['content-encoding']), 'the HTML is compressed');
    // What the page loads: every /pkg/ file it names (the wasm is named for preloading).
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
    const html = (page.headers['content-encoding'] === 'br' ? brotliDecompressSync : gunzipSync)(page.body).toString();
    const assets = [...new Set(html.match(/\/pkg\/[\w.-]+/g))];
    assert.ok(assets.some((a) => a.endsWith('.wasm')) && assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), `${assets}`);

    const lines = [`/ (HTML): ${page.body.length} B ${page.headers['content-encoding']}`];
    let total = page.body.length;
    for (const asset of assets) {
      const file = await fetchRaw(server.url + asset);
      assert.equal(file.status, 200, asset);
      assert.equal(file.headers['content-encoding'], 'br', `${asset} is sent precompressed`);
      assert.match(file.headers['cache-control'], /immutable/, `${asset} is cached for good`);
      total += file.body.length;
      lines.push(`${asset}: ${file.body.length} B br`);
    }
    console.log(`first load of /:\n  ${lines.join('\n  ')}\n  total: ${total} B (budget ${BUDGET_BYTES} B)`);
    assert.ok(total <= BUDGET_BYTES, `first load is ${total} B, over the ${BUDGET_BYTES} B budget`);
  } finally {
    await server.stop();
  }
});
