// What the benchmark scripts share: the release server, started as the reliability suite
// starts it (tests/reliability/lib.mjs over tests/server.mjs, the one launcher: loopback,
// the traffic limits out of the way, one secret for every server of a run) on a fresh SQLite file or a PostgreSQL database; and
// the benchmark's guest. The scripts measure the answers, not the limits.
import { sqliteUrl, startServer as start } from '../tests/reliability/lib.mjs';

export const bin = process.env.GUESTROOM_BIN ?? `${process.env.CARGO_TARGET_DIR}/release/guestroom`;

/**
 * A benchmark binary (`bench-reference`, `bench-ceiling`): the one `setting` names, else the
 * one built beside the server's. A server binary with another name (a copy such as
 * `/tmp/guestroom-before`) has no such neighbour, and a name left unchanged would measure
 * the server against itself: that is refused.
 */
export function beside(name, setting) {
  if (process.env[setting]) return process.env[setting];
  const path = bin.replace(/\/guestroom$/, `/${name}`);
  if (path === bin) throw new Error(`${bin} is not named guestroom: set ${setting} to the ${name} binary`);
  return path;
}

/**
 * Starts `command` (the server by default) with `args` and resolves once it serves: `{ url,
 * pid, stop, … }`. `database`: a SQLite file to use; `postgres`: a PostgreSQL URL to use
 * instead; else a fresh SQLite file. `env`: settings of the run's own.
 */
export function startServer({ command = bin, args = [], database, postgres, env = {} } = {}) {
  const url = postgres ?? (database ? `sqlite://${database}?mode=rwc` : sqliteUrl());
  // X-Forwarded-For believed from loopback: a shape may name its clients (BENCH_NETWORKS).
  return start(url, { MAX_REQUESTS_IN_FLIGHT: '100000', CLIENT_IP_HEADER: 'X-Forwarded-For', ...env }, command, args);
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

/**
 * The requests the page's client makes, as fetches from the guest `cookie` (none: a first
 * visit) on `url`: the roster read, `/` with an `Accept-Encoding`, and the toggle of its
 * first avatar, which request `i` sets active when `i` is odd (so an even count of them
 * ends where it began). `headers`: the toggle's own (an `Idempotency-Key`).
 */
export function clientRequests(url, cookie, ids) {
  const who = cookie ? { cookie } : {};
  const form = (body, headers = {}) => ({
    method: 'POST',
    headers: { ...who, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return {
    read: () => fetch(`${url}/api/roster/list`, form('')),
    page: (encoding) => fetch(`${url}/`, { headers: { ...who, accept: 'text/html', 'accept-encoding': encoding } }),
    toggle: (i, headers) => fetch(`${url}/api/roster/activate`, form(`id=${ids[0]}&is_active=${i % 2 === 1}`, headers)),
  };
}
