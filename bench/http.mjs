// The HTTP benchmark (bench/run.sh runs it after a release build): wrk, 64 connections,
// a 5 s warm-up then three measured runs of 15 s (the median shown, with the range),
// loopback only, against
//   - the ceiling: bare axum answering "ok" (bench-ceiling), in the same run;
//   - the same work written by hand (bench-reference: axum, sqlx, jsonwebtoken, maud) on
//     Guestroom's database and cookie: the read, the page and the toggle, each run
//     interleaved with Guestroom's, after checking that both pages are the same HTML;
//   - Guestroom on a fresh SQLite file, one guest with 10 avatars: the roster read as the
//     client cache fetches it, the server-rendered `/` (with and without brotli),
//     toggling `is_active`, and a sign-in;
//   - with `BENCH_POSTGRES_URL` (a database to fill), the read, the page and the toggle
//     on PostgreSQL with 1, 2 and 3 server instances, the connections spread over them
//     (with one, also `/` with brotli and the keyed toggle);
// with the servers' CPU (cores busy) during each run and their peak RSS so far, then the
// cold start to the first 200 of `/` (with and without pending migrations), the binary's
// size and the first load of `/` on the wire. Prints Markdown.
// `--smoke`: 1 s warm-up, one 2 s run. `--runs=N`: N measured runs per shape.
// The ceiling and the reference are the binaries beside GUESTROOM_BIN's, or those named by
// BENCH_CEILING_BIN and BENCH_REFERENCE_BIN (needed when the server binary is a renamed copy).
import { statSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { firstLoad } from '../apps/web/end2end/support.mjs';
import { fmt, interleaved, measure, median, peakRss, postgresPids, shapes, table, timing } from './measure.mjs';
import { PASSWORD, beside, bin, newGuest, post, seedRoster, startServer } from './server.mjs';

const smoke = process.argv.includes('--smoke');
const ceilingBin = beside('bench-ceiling', 'BENCH_CEILING_BIN');
const referenceBin = beside('bench-reference', 'BENCH_REFERENCE_BIN');
/** The shapes the hand-written reference answers too. */
const BY_HAND = ['read', 'pageBr', 'page', 'toggle'];
const postgresUrl = process.env.BENCH_POSTGRES_URL;

/** The benchmark's guest (10 avatars), on `url`'s database: its request shapes. */
async function seed(url) {
  const { cookie, ids } = await seedRoster(url);
  return shapes(cookie, ids);
}

/** The member the sign-in shape signs in as. Made just before that shape: its password's
 * hash (19 MiB) would otherwise count in the peak RSS of every shape before it. */
async function signUpMember(url) {
  const member = await newGuest(url);
  await post(url, '/api/account/sign-up', { email: 'bench@example.com', password: PASSWORD, display_name: '' }, member);
}

/** A free port on loopback. */
const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Spawn to the first 200 of `/`, in milliseconds, on the SQLite file `database`. */
async function coldStart(database) {
  const port = await freePort();
  const started = performance.now();
  const starting = startServer({ database, env: { PORT: String(port) } });
  let ms = null;
  while (ms === null) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).status === 200) ms = performance.now() - started;
    } catch {
      await sleep(1);
    }
  }
  await (await starting).stop();
  return ms;
}

const rss = (pid) => `${fmt(peakRss(pid), 1)} MiB`;

const ceiling = await startServer({ command: ceilingBin });
const rows = [];
try {
  rows.push(['bare axum "ok" (the ceiling)', await measure([ceiling], { BENCH_PATH: '/' }), rss(ceiling.pid)]);
} finally {
  await ceiling.stop();
}
const ceilingRps = rows[0][1].rps;

/**
 * Throws unless `/` is the same HTML from both servers for the guest `cookie`, but for
 * what differs between any two answers: the nonce and the plain forms' keys.
 */
async function samePage(ours, theirs, cookie) {
  const page = async (url) => {
    const html = await (await fetch(`${url}/`, { headers: { cookie, accept: 'text/html' } })).text();
    const nonce = html.match(/nonce="([^"]+)"/)[1];
    return html.replaceAll(nonce, 'NONCE').replace(/(name="idempotency_key" value=")[0-9a-f]{32}/g, '$1KEY');
  };
  const [a, b] = [await page(ours), await page(theirs)];
  if (a !== b) {
    let at = 0;
    while (a[at] === b[at]) at += 1;
    throw new Error(`the hand-written page differs from Guestroom's at byte ${at}:\n  Guestroom: …${a.slice(at - 80, at + 80)}…\n  by hand:   …${b.slice(at - 80, at + 80)}…`);
  }
  return a.length;
}

const benchDir = mkdtempSync(join(tmpdir(), 'guestroom-bench-'));
const database = join(benchDir, 'bench.db');
const server = await startServer({ database });
let reference;
const compared = [];
let pageLength;
try {
  const shape = await seed(server.url);
  reference = await startServer({ command: referenceBin, database });
  pageLength = await samePage(server.url, reference.url, shape.page[1].BENCH_COOKIE);
  // The peak RSS so far after each run (it only grows: the run that raises it shows).
  for (const [key, [name, request]] of Object.entries(shape)) {
    if (BY_HAND.includes(key)) {
      const [ours, theirs] = await interleaved(server, reference, request);
      rows.push([name, ours, rss(server.pid)]);
      compared.push([name, ours, theirs, rss(reference.pid)]);
    } else {
      if (key === 'signIn') await signUpMember(server.url);
      rows.push([name, await measure([server], request), rss(server.pid)]);
    }
  }
} finally {
  await reference?.stop();
  await server.stop();
  rmSync(benchDir, { recursive: true, force: true });
}
table(rows, ceilingRps, ['peak RSS']);

console.log(`\nAgainst the same work written by hand (\`bench/reference\`; the same ${fmt(pageLength)} B page), each run interleaved with Guestroom's:\n`);
console.log('| shape | Guestroom req/s | by hand req/s | ratio | Guestroom p99 | by hand p99 | p99 ratio | by hand: CPU (cores), peak RSS |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, ours, theirs, theirRss] of compared) {
  const range = timing.runs > 1 ? ` (${fmt(theirs.min)}–${fmt(theirs.max)})` : '';
  console.log(
    `| ${name} | ${fmt(ours.rps)} | ${fmt(theirs.rps)}${range} | ${fmt(ours.rps / theirs.rps, 2)}× | ${fmt(ours.p99, 2)} ms | ${fmt(theirs.p99, 2)} ms | ${fmt(ours.p99 / theirs.p99, 2)}× | ${fmt(theirs.cpu, 2)}, ${theirRss} |`,
  );
  if (theirs.failed > 0 || theirs.socketErrors) {
    console.error(`the hand-written server failed answers in: ${name}`);
    process.exitCode = 1;
  }
}

if (postgresUrl) {
  // The instances share the run's one secret: a token signed by one is good at all.
  const instances = [];
  const pgRows = [];
  try {
    // Started one after another: the first migrates the database, the others find it done.
    instances.push(await startServer({ postgres: postgresUrl }));
    const shape = await seed(instances[0].url);
    for (const count of [1, 2, 3]) {
      while (instances.length < count) instances.push(await startServer({ postgres: postgresUrl }));
      // One instance also serves `/` with brotli and the keyed toggle: what docs/scaling.md
      // models a visit with.
      const keys = count === 1 ? ['read', 'page', 'pageBr', 'toggle', 'toggleKeyed'] : ['read', 'page', 'toggle'];
      for (const key of keys) {
        const [name, request] = shape[key];
        const result = await measure(instances, request, postgresPids);
        pgRows.push([`${count} × ${name}`, result, fmt(result.dbCpu, 2), instances.map((i) => rss(i.pid)).join(', ')]);
      }
    }
  } finally {
    for (const instance of instances) await instance.stop();
  }
  console.log('\nOn PostgreSQL, with 1, 2 and 3 server instances (the 64 connections spread over them):\n');
  table(pgRows, ceilingRps, ['PostgreSQL CPU (cores)', 'peak RSS']);
}

const dir = mkdtempSync(join(tmpdir(), 'guestroom-cold-'));
try {
  const runs = smoke ? 1 : 5;
  const fresh = [];
  const migrated = [];
  for (let i = 0; i < runs; i += 1) {
    const database = join(dir, `cold-${i}.db`);
    fresh.push(await coldStart(database));
    migrated.push(await coldStart(database));
  }
  console.log(`\ncold start to the first 200 of \`/\` (median of ${runs}): ${fmt(median(fresh), 1)} ms with every migration pending (a new database), ${fmt(median(migrated), 1)} ms with none (range ${fmt(Math.min(...migrated), 1)}–${fmt(Math.max(...migrated), 1)} ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`server binary: ${fmt(statSync(bin).size / 2 ** 20, 1)} MiB (${bin})`);
const wire = await startServer();
try {
  for (const encoding of ['br', 'gzip']) {
    const { page, files, total } = await firstLoad(wire.url, encoding);
    const parts = [`HTML ${fmt(page.body.length)}`, ...files.map((f) => `${f.path.split('.').pop()} ${fmt(f.response.body.length)}`)];
    console.log(`first load of \`/\`, ${encoding}: ${fmt(total)} B (${parts.join(', ')})`);
  }
} finally {
  await wire.stop();
}
