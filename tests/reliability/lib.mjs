// What the reliability scenarios share: starting the server (tests/server.mjs), a guest that keeps
// its cookie, fresh PostgreSQL databases, and figures (percentiles, RSS). Loopback only.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { launch } from '../server.mjs';

/** The server the PostgreSQL scenarios create their databases on (scripts/postgres.sh). */
export const POSTGRES = process.env.GUESTROOM_TEST_POSTGRES_URL
  ?? 'postgres://guestroom:guestroom@127.0.0.1:5432/postgres';

/** One secret for every server of a run, so guests carry over restarts and instances. */
const AUTH_SECRET = randomBytes(32).toString('base64');

/** Settings that take the traffic limits out of the way: these scenarios measure
 * durability and recovery, and the limits have their own tests. */
const UNLIMITED = {
  WRITES_PER_MINUTE_PER_IP: '100000000',
  WRITES_PER_MINUTE_PER_OWNER: '100000000',
  NEW_GUESTS_PER_MINUTE_PER_IP: '100000000',
  AUTH_ATTEMPTS_PER_IP: '100000000',
  AUTH_ATTEMPTS_PER_EMAIL_PER_IP: '100000000',
};

/** A fresh SQLite URL in a temporary folder. */
export function sqliteUrl() {
  return `sqlite://${join(mkdtempSync(join(tmpdir(), 'guestroom-reliability-')), 'app.db')}?mode=rwc`;
}

/** A fresh, empty PostgreSQL database; its URL. */
export function postgresDatabase(name) {
  const psql = (sql) => execFileSync('psql', [POSTGRES, '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  psql(`CREATE DATABASE ${name}`);
  return POSTGRES.replace(/\/[^/]*$/, `/${name}`);
}

/**
 * Starts the server (or `command` with `args`, e.g. the benchmark's bare axum ceiling) on
 * `databaseUrl`, the traffic limits out of the way, and resolves once it serves.
 */
export function startServer(databaseUrl, settings = {}, command = undefined, args = []) {
  return launch({ command, args, env: { ...UNLIMITED, DATABASE_URL: databaseUrl, AUTH_SECRET, ...settings } });
}

/** A guest: a cookie kept between requests, as a browser keeps it. */
export class Guest {
  constructor() { this.cookies = new Map(); }

  async request(url, path, { method = 'GET', form, extraHeaders = {} } = {}) {
    const headers = { accept: 'application/json', 'sec-fetch-site': 'same-origin', ...extraHeaders };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(url + path, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = pair.split('=');
      if (attributes.some((a) => /max-age=0/i.test(a))) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }

  /**
   * Calls a server function as the page's client does, a change with its idempotency
   * `key` when one is given; resolves to { status, body }.
   */
  async call(url, fn, form = {}, key = undefined) {
    const extraHeaders = key ? { 'idempotency-key': key } : {};
    const response = await this.request(url, `/api/${fn}`, { method: 'POST', form, extraHeaders });
    const text = await response.text();
    let body = text;
    try { body = JSON.parse(text); } catch { /* a plain answer */ }
    return { status: response.status, body };
  }
}

export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails the scenario with `message` unless `condition` holds. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}
