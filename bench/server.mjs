// What the benchmark scripts share: the release server started on loopback with a fresh
// SQLite file (or a PostgreSQL database) and every traffic limit out of the way — the
// scripts measure the answers, not the limits.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bin = process.env.GUESTROOM_BIN ?? `${process.env.CARGO_TARGET_DIR}/release/guestroom`;
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? 'target/site';
const NO_LIMIT = '1000000000';

/**
 * Starts `command` (the server by default) and resolves once it prints the URL it serves:
 * `{ url, pid, stop }`. `database`: a SQLite file to use (kept); `postgres`: a PostgreSQL
 * URL to use instead; else a fresh SQLite file in a temporary folder (removed at stop).
 */
export async function startServer({ command = bin, database, postgres, env = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'guestroom-bench-'));
  const sqlite = `sqlite://${database ?? join(dir, 'bench.db')}?mode=rwc`;
  const child = spawn(command, [], {
    env: {
      ...process.env,
      PORT: '0',
      BIND_ADDRESS: '127.0.0.1',
      DATABASE_URL: postgres ?? sqlite,
      LEPTOS_SITE_ROOT: siteRoot,
      AUTH_SECRET: process.env.BENCH_AUTH_SECRET ?? randomBytes(32).toString('base64'),
      AUTH_ATTEMPTS_PER_IP: NO_LIMIT,
      AUTH_ATTEMPTS_PER_EMAIL: NO_LIMIT,
      NEW_GUESTS_PER_MINUTE_PER_IP: NO_LIMIT,
      WRITES_PER_MINUTE_PER_IP: NO_LIMIT,
      WRITES_PER_MINUTE_PER_OWNER: NO_LIMIT,
      MAX_REQUESTS_IN_FLIGHT: '100000',
      RUST_LOG: 'warn,guestroom=info',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = log.match(/serving (http:\/\/[\d.]+:\d+)/);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${log}`)));
  });
  child.stderr.resume();
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, pid: child.pid, stop };
}

export const PASSWORD = 'staple battery horse';
const EMOJI = ['🐱', '🐶', '🦊', '🐙', '🦉', '🐢', '🐝', '🦄', '🐸', '🐧'];

/** A form POST as the page's client sends it; throws unless it is answered 2xx. */
export async function post(url, path, form, cookie) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** A new guest's cookie (`name=value`), from its first page. */
export async function newGuest(url) {
  const page = await fetch(`${url}/`);
  return page.headers.getSetCookie().find((c) => c.startsWith('__Host-guest=')).split(';')[0];
}

/** The benchmark's guest: 10 avatars. Resolves to its cookie and the avatars' ids. */
export async function seedRoster(url) {
  const cookie = await newGuest(url);
  const ids = [];
  for (const [i, emoji] of EMOJI.entries()) {
    const created = await post(url, '/api/roster/create', { emoji, name: `Avatar ${i + 1}` }, cookie);
    ids.push((await created.json()).id);
  }
  return { cookie, ids };
}
