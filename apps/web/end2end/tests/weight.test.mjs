// The weight budget: the first load of `/` (the HTML and every file it names: JS, wasm,
// CSS), as the server sends it to a browser that accepts brotli and gzip, stays within
// 110 KB on the wire. Prints the breakdown, which the figures in the docs come from; and
// what opening the emoji picker adds, which is not part of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchRaw, firstLoad, startServer } from '../support.mjs';

const BUDGET_BYTES = 110_000;

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

test('the emoji picker is loaded when it opens, not with the page; its sizes', async () => {
  const server = await startServer();
  try {
    const { page, files } = await firstLoad(server.url);
    // As the picker asks: with the page's guest cookie, for JSON.
    const guest = { cookie: page.headers['set-cookie'].map((c) => c.split(';')[0]).join('; '), accept: 'application/json' };
    assert.ok(!files.some((file) => file.path.includes('picker')), 'the picker is not in the first load');
    // The island finds the module by the main script's name (roster/picker/mod.rs).
    const main = files.find((file) => file.path.endsWith('.js')).path;
    const picker = await fetchRaw(`${server.url}${main.replace(/\.js$/, '.picker.js')}`);
    assert.equal(picker.status, 200);
    assert.equal(picker.headers['content-encoding'], 'br');
    assert.match(picker.headers['cache-control'], /immutable/);
    const lines = [`the module: ${picker.body.length} B br`];
    for (const [what, query] of [['the first category', 'query=&group=0'], ['the largest, "People and body"', 'query=&group=1'], ['a search, "smile"', 'query=smile&group=0']]) {
      const reply = await fetchRaw(`${server.url}/api/emoji?${query}`, 'br, gzip', guest);
      assert.equal(reply.status, 200, query);
      assert.match(reply.headers['cache-control'], /max-age=86400/);
      lines.push(`${what}: ${reply.body.length} B ${reply.headers['content-encoding'] ?? 'uncompressed'}`);
    }
    console.log(`opening the emoji picker:\n  ${lines.join('\n  ')}`);
  } finally {
    await server.stop();
  }
});
