// What the HTTP benchmarks share: wrk runs (spread over one or several servers), the
// servers' CPU and peak RSS from /proc, the request shapes, and the Markdown table.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

import { PASSWORD } from './server.mjs';

const smoke = process.argv.includes('--smoke');
/** Seconds of warm-up, then of each measured run; and how many measured runs per shape. */
export const timing = {
  warmUp: smoke ? 1 : 5,
  duration: smoke ? 2 : 15,
  runs: Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? (smoke ? 1 : 3)),
};
const CONNECTIONS = 64;
/** How long wrk waits for an answer before it counts a timeout (a socket error, which
 * fails the run). Its default, 2 s, is what the 64 sign-ins at once queue for on a debug
 * build (the smoke run's): slow, where a timeout should mean stuck. */
const TIMEOUT = '10s';
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU time the process has used, in seconds (user + system, from /proc). */
export const cpuSeconds = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0; // gone meanwhile (a PostgreSQL backend that ended)
  }
};
/** The process's peak resident set, in MiB. */
export const peakRss = (pid) =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)[1]) / 1024;
/** The PostgreSQL server's processes (its backends come and go with the pools). */
export const postgresPids = () =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    });

const UNITS = { us: 0.001, ms: 1, s: 1000 };
/**
 * One wrk run of the request shape `shape` (bench/wrk.lua's variables) against `url`.
 * Asynchronous on purpose: while it runs, this process must keep reading the servers'
 * stderr (their audit lines), or the pipe fills and their logging blocks them.
 */
async function wrk(url, shape, seconds, threads, connections) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout=${TIMEOUT}`, '--latency', '-s', 'bench/wrk.lua', url];
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

/**
 * 64 connections over `urls` at once: one wrk with 2 threads for one server, else one
 * single-threaded wrk per server with its share of the connections (what a round-robin
 * balancer in front would give each). req/s add up; p50 and p99 are the worst server's.
 */
export async function spread(urls, shape, seconds) {
  const results = await Promise.all(
    urls.map((url, i) => {
      const connections = Math.floor(CONNECTIONS / urls.length) + (i < CONNECTIONS % urls.length ? 1 : 0);
      return wrk(url, shape, seconds, urls.length === 1 ? 2 : 1, connections);
    }),
  );
  return {
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    socketErrors: results.map((r) => r.socketErrors).filter(Boolean).join('; ') || null,
  };
}

/** The middle value of `list` (the upper one of the two middles for an even count). */
export const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/**
 * One measured run of `shape` on `servers`, with the cores busy meanwhile: the servers'
 * (summed) and, when `dbPids` is given, the database's.
 */
async function run(servers, shape, dbPids) {
  const serverPids = servers.map((s) => s.pid);
  const dbBefore = new Map(dbPids().map((pid) => [pid, cpuSeconds(pid)]));
  const before = serverPids.map(cpuSeconds);
  const wall0 = performance.now();
  const result = await spread(servers.map((s) => s.url), shape, timing.duration);
  const wall = (performance.now() - wall0) / 1000;
  const cpu = serverPids.reduce((sum, pid, j) => sum + cpuSeconds(pid) - before[j], 0) / wall;
  // A database process started during the run counts from zero; one that ended during
  // it is lost (its time is gone from /proc), so this is a lower bound.
  const dbCpu = dbPids().reduce((sum, pid) => sum + cpuSeconds(pid) - (dbBefore.get(pid) ?? 0), 0) / wall;
  return { ...result, cpu, dbCpu };
}

/** The run with the median req/s, the range over the runs, and every run's failures
 * (the warm-up's too: a figure measured while connections broke is not a figure). */
function summary(warmUp, runs) {
  const middle = runs.find((r) => r.rps === median(runs.map((x) => x.rps)));
  const rates = runs.map((r) => r.rps);
  const all = [warmUp, ...runs];
  return {
    ...middle,
    min: Math.min(...rates),
    max: Math.max(...rates),
    failed: all.reduce((sum, r) => sum + r.failed, 0),
    socketErrors: all.map((r) => r.socketErrors).filter(Boolean).join('; ') || null,
  };
}

/**
 * Warm-up, then `timing.runs` measured runs of `shape` on `servers`: the run with the
 * median req/s, the range of req/s over the runs, and the cores busy during the runs —
 * the servers' (summed) and, when `dbPids` is given, the database's.
 */
export async function measure(servers, shape, dbPids = () => []) {
  const warmUp = await spread(servers.map((s) => s.url), shape, timing.warmUp);
  const runs = [];
  for (let i = 0; i < timing.runs; i += 1) runs.push(await run(servers, shape, dbPids));
  return summary(warmUp, runs);
}

/**
 * `shape` on server `a` and on server `b`, interleaved: a warm-up of each, then their
 * measured runs in turn (a, b, a, b, …), so that a slow spell of the machine falls on
 * both. Each side as `measure` gives it.
 */
export async function interleaved(a, b, shape) {
  const warmUps = [];
  for (const server of [a, b]) warmUps.push(await spread([server.url], shape, timing.warmUp));
  const runs = [[], []];
  for (let i = 0; i < timing.runs; i += 1) {
    for (const [j, server] of [a, b].entries()) runs[j].push(await run([server], shape, () => []));
  }
  return [summary(warmUps[0], runs[0]), summary(warmUps[1], runs[1])];
}

/** The request shapes, for the guest `guest` (whose first avatar is `ids[0]`). */
export function shapes(guest, ids) {
  const json = { BENCH_METHOD: 'POST', BENCH_ACCEPT: 'application/json', BENCH_COOKIE: guest };
  return {
    read: ['roster read (`POST /api/roster/list`)', { ...json, BENCH_PATH: '/api/roster/list', BENCH_BODY: '' }],
    pageBr: ['server-rendered `/`, brotli', { BENCH_PATH: '/', BENCH_COOKIE: guest, BENCH_ACCEPT: 'text/html', BENCH_ENCODING: 'br' }],
    page: ['server-rendered `/`, uncompressed', { BENCH_PATH: '/', BENCH_COOKIE: guest, BENCH_ACCEPT: 'text/html' }],
    toggle: ['toggle `is_active` (`POST /api/roster/activate`)', { ...json, BENCH_PATH: '/api/roster/activate', BENCH_TOGGLE: ids[0] }],
    // What the page sends: each change with its idempotency key, recorded with the change.
    toggleKeyed: ['toggle with an `Idempotency-Key` each', { ...json, BENCH_PATH: '/api/roster/activate', BENCH_TOGGLE: ids[0], BENCH_KEYED: '1' }],
    signIn: [
      'sign-in (argon2id; `POST /api/account/sign-in`)',
      // 64 members' sign-ins from networks of their own: from one network the hashing
      // line would refuse all but two at a time (a burst, not a crowd).
      { ...json, BENCH_PATH: '/api/account/sign-in', BENCH_BODY: `email=bench%40example.com&password=${encodeURIComponent(PASSWORD)}`, BENCH_NETWORKS: '64' },
    ],
  };
}

export const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Prints `rows` ([name, result, extra cells…]) as a Markdown table with `extra` column
 * headings; marks the exit code when any answer was not 2xx/3xx or any connection broke
 * (wrk's socket errors: connect, read, write, timeout).
 */
export function table(rows, ceilingRps, extra) {
  const ranged = timing.runs > 1;
  console.log(`| run | req/s${ranged ? ` (median of ${timing.runs}; range)` : ''} | of the ceiling | p50 | p99 | server CPU (cores) | ${extra.join(' | ')} | failed |`);
  console.log(`|---|---:|---:|---:|---:|---:|${extra.map(() => '---:|').join('')}---:|`);
  for (const [name, r, ...cells] of rows) {
    const rate = ranged ? `${fmt(r.rps)} (${fmt(r.min)}–${fmt(r.max)})` : fmt(r.rps);
    const failed = r.failed + (r.socketErrors ? ` (socket: ${r.socketErrors})` : '');
    console.log(
      `| ${name} | ${rate} | ${fmt((100 * r.rps) / ceilingRps, 1)}% | ${fmt(r.p50, 2)} ms | ${fmt(r.p99, 2)} ms | ${fmt(r.cpu, 2)} | ${cells.join(' | ')} | ${failed} |`,
    );
  }
  const failures = rows.filter(([, r]) => r.failed > 0).map(([name]) => name);
  if (failures.length > 0) {
    console.error(`answers other than 2xx or 3xx in: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
  const broken = rows.filter(([, r]) => r.socketErrors).map(([name, r]) => `${name} (${r.socketErrors})`);
  if (broken.length > 0) {
    console.error(`socket errors in: ${broken.join('; ')}`);
    process.exitCode = 1;
  }
}
