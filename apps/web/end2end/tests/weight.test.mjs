// The weight budget: the first load of `/` (the HTML and every file it names: JS, wasm,
// CSS), as the server sends it to a browser that accepts brotli and gzip, stays within
// 160 KB on the wire. Prints the breakdown, which the figures in the docs come from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstLoad, startServer } from '../support.mjs';

const BUDGET_BYTES = 160_000;

test(`the first load of / is at most ${BUDGET_BYTES} bytes on the wire`, async () => {
  const server = await startServer();
  try {
    const { page, files, total } = await firstLoad(server.url);
    assert.equal(page.status, 200);
    assert.ok(['br', 'gzip'].includes(page.headers['content-encoding']), 'the HTML is compressed');
    // What the page loads: every /pkg/ file it names (the wasm is named for preloading).
    const assets = files.map((file) => file.path);
    assert.ok(assets.some((a) => a.endsWith('.wasm')) && assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), `${assets}`);
    const lines = [`/ (HTML): ${page.body.length} B ${page.headers['content-encoding']}`];
    for (const { path, response } of files) {
      assert.equal(response.status, 200, path);
      assert.equal(response.headers['content-encoding'], 'br', `${path} is sent precompressed`);
      assert.match(response.headers['cache-control'], /immutable/, `${path} is cached for good`);
      lines.push(`${path}: ${response.body.length} B br`);
    }
    console.log(`first load of /:\n  ${lines.join('\n  ')}\n  total: ${total} B (budget ${BUDGET_BYTES} B)`);
    assert.ok(total <= BUDGET_BYTES, `first load is ${total} B, over the ${BUDGET_BYTES} B budget`);
  } finally {
    await server.stop();
  }
});
