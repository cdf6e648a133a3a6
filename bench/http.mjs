// The HTTP benchmark (bench/run.sh runs it after a release build): wrk, 2 threads × 64
// connections, a 5 s warm-up then 15 s measured, loopback only, against
//   - the ceiling: bare axum answering "ok" (bench-ceiling), in the same run;
//   - Guestroom on a fresh SQLite file, one guest with 10 avatars: the roster read as the
//     client cache fetches it, the server-rendered `/` (with and without brotli),
//     toggling `is_active`, and a sign-in;
// with the server's CPU (cores busy) during each run and its peak RSS so far, then the cold start
// to the first 200 of `/` (with and without pending migrations), the binary's size and the
// first load of `/` on the wire. Prints Markdown. `--smoke`: 1 s warm-up, 2 s runs.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { firstLoad } from '../apps/web/end2end/support.mjs';
import { bin, startServer } from './server.mjs';

const smoke = process.argv.includes('--smoke');
const [warmUp, duration] = smoke ? [1, 2] : [5, 15];
const ceilingBin = process.env.BENCH_CEILING_BIN ?? bin.replace(/guestroom$/, 'bench-ceiling');
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const PASSWORD = 'staple battery horse';
const EMOJI = ['🐱', '🐶', '🦊', '🐙', '🦉', '🐢', '🐝', '🦄', '🐸', '🐧'];

/** CPU time the process has used, in seconds (user + system, from /proc). */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
};
/** The process's peak resident set, in MiB. */
const peakRss = (pid) =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)[1]) / 1024;

const UNITS = { us: 0.001, ms: 1, s: 1000 };
/**
 * One wrk run of the request shape `shape` (bench/wrk.lua's variables). Asynchronous on
 * purpose: while it runs, this process must keep reading the server's stderr (its audit
 * lines), or the pipe fills and the server's logging blocks it.
 */
async function wrk(url, shape, seconds) {
  const args = ['-t2', '-c64', `-d${seconds}s`, '--latency', '-s', 'bench/wrk.lua', url];
  const { stdout: out } = await promisify(execFile)('wrk', args, { env: { ...process.env, ...shape } });
  const percentile = (p) => {
    const [, value, unit] = out.match(new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`));
    return Number(value) * UNITS[unit];
  };
  return {
    rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50: percentile(50),
    p99: percentile(99),
    failed: Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0),
    socketErrors: out.match(/Socket errors: (.*)/)?.[1] ?? null,
  };
}

/** Warm-up, then the measured run, with the server's CPU over it. */
async function measure(server, shape) {
  await wrk(server.url, shape, warmUp);
  const [cpu0, wall0] = [cpuSeconds(server.pid), performance.now()];
  const result = await wrk(server.url, shape, duration);
  const cpu = (cpuSeconds(server.pid) - cpu0) / ((performance.now() - wall0) / 1000);
  return { ...result, cpu };
}

async function post(url, path, form, cookie) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** A new guest's cookie (`name=value`), from its first page. */
async function newGuest(url) {
  const page = await fetch(`${url}/`);
  return page.headers.getSetCookie().find((c) => c.startsWith('__Host-guest=')).split(';')[0];
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

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const rows = [];
const ceiling = await startServer({ command: ceilingBin });
let ceilingRps;
try {
  const result = await measure(ceiling, { BENCH_PATH: '/' });
  ceilingRps = result.rps;
  rows.push(['bare axum "ok" (the ceiling)', result, peakRss(ceiling.pid)]);
} finally {
  await ceiling.stop();
}

const server = await startServer();
try {
  const guest = await newGuest(server.url);
  const ids = [];
  for (const [i, emoji] of EMOJI.entries()) {
    const created = await post(server.url, '/api/roster/create', { emoji, name: `Avatar ${i + 1}` }, guest);
    ids.push((await created.json()).id);
  }
  const member = await newGuest(server.url);
  await post(server.url, '/api/account/sign-up', { email: 'bench@example.com', password: PASSWORD, display_name: '' }, member);
  const json = { BENCH_METHOD: 'POST', BENCH_ACCEPT: 'application/json', BENCH_COOKIE: guest };
  const shapes = [
    ['roster read (`POST /api/roster/list`)', { ...json, BENCH_PATH: '/api/roster/list', BENCH_BODY: '' }],
    ['server-rendered `/`, brotli', { BENCH_PATH: '/', BENCH_COOKIE: guest, BENCH_ACCEPT: 'text/html', BENCH_ENCODING: 'br' }],
    ['server-rendered `/`, uncompressed', { BENCH_PATH: '/', BENCH_COOKIE: guest, BENCH_ACCEPT: 'text/html' }],
    ['toggle `is_active` (`POST /api/roster/activate`)', { ...json, BENCH_PATH: '/api/roster/activate', BENCH_TOGGLE: ids[0] }],
    [
      'sign-in (argon2id; `POST /api/account/sign-in`)',
      { ...json, BENCH_PATH: '/api/account/sign-in', BENCH_BODY: `email=bench%40example.com&password=${encodeURIComponent(PASSWORD)}` },
    ],
  ];
  // The peak RSS so far after each run (it only grows: the run that raises it shows).
  for (const [name, shape] of shapes) rows.push([name, await measure(server, shape), peakRss(server.pid)]);
} finally {
  await server.stop();
}

console.log(`| run | req/s | of the ceiling | p50 | p99 | server CPU (cores) | failed | peak RSS |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
for (const [name, r, rss] of rows) {
  const rssCell = `${fmt(rss, 1)} MiB`;
  const failed = r.failed + (r.socketErrors ? ` (socket: ${r.socketErrors})` : '');
  console.log(
    `| ${name} | ${fmt(r.rps)} | ${fmt((100 * r.rps) / ceilingRps, 1)}% | ${fmt(r.p50, 2)} ms | ${fmt(r.p99, 2)} ms | ${fmt(r.cpu, 2)} | ${failed} | ${rssCell} |`,
  );
}

const failures = rows.filter(([, r]) => r.failed > 0).map(([name]) => name);
if (failures.length > 0) {
  console.error(`answers other than 2xx or 3xx in: ${failures.join('; ')}`);
  process.exitCode = 1;
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
