// Does a sign-in tell, by its answer or its timing, whether an email has an account?
// Times sign-ins with an unknown email against sign-ins with a known email and a wrong
// password, interleaved in random order, on the release server over loopback (SQLite in a
// temporary folder). Both must get the same status and body; their latencies are
// compared with a Mann-Whitney U test (a rank test: no assumption about the shape of the
// distributions). The run fails when the answers differ, or when the timings differ both
// surely (p below 0.001) and by a tenth or more of the median: a sign-in that skipped the
// password hash for an unknown email (about a millisecond against tens) fails even at
// 10 attempts per kind, while the noise of a shared machine stays below both bars.
// "Forgot password?" is compared the same way: asking for a member's address against
// asking for an address without an account (at most 50 of each: every member is asked
// for once, each request from an address of its own, so that no mail limit answers);
// so are "Email me a sign-in link", and a change of address to a member's address
// against one to a free address (each asked by a member of its own, who gives the
// password both times).
// Usage: node bench/enumeration.mjs [attempts per kind, default 200]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { startServer } from './server.mjs';

const attempts = Number(process.argv[2] ?? 200);

async function post(url, path, form, headers = {}) {
  const started = performance.now();
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams(form),
  });
  const body = await response.text();
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
  return { status: response.status, body, ms: performance.now() - started, cookies };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Two-sided Mann-Whitney U test (normal approximation, ties given their mean rank). */
function mannWhitney(a, b) {
  const all = [...a.map((v) => [v, 0]), ...b.map((v) => [v, 1])].sort((x, y) => x[0] - y[0]);
  const ranks = new Array(all.length);
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1][0] === all[i][0]) j += 1;
    for (let k = i; k <= j; k += 1) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const rankSumA = all.reduce((sum, [, group], i) => (group === 0 ? sum + ranks[i] : sum), 0);
  const u = rankSumA - (a.length * (a.length + 1)) / 2;
  const mean = (a.length * b.length) / 2;
  const sd = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  const z = (u - mean) / sd;
  // erfc by Abramowitz and Stegun 7.1.26.
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return { z, p: poly * Math.exp(-((z / Math.SQRT2) ** 2)) };
}

/**
 * Prints the answers seen and the timings of the two kinds, and fails the run when the
 * answers differ or the timings tell the kinds apart (the bars above).
 */
function compare(what, times, answers) {
  console.log(`${what} answers seen: ${[...answers].join(' | ')}`);
  const medians = {};
  for (const [kind, list] of Object.entries(times)) {
    const sorted = [...list].sort((x, y) => x - y);
    const fmt = (q) => quantile(sorted, q).toFixed(2);
    medians[kind] = quantile(sorted, 0.5);
    console.log(`${kind.padEnd(15)} n=${sorted.length}  p10 ${fmt(0.1)} ms  median ${fmt(0.5)} ms  p90 ${fmt(0.9)} ms`);
  }
  const [a, b] = Object.values(times);
  const { z, p } = mannWhitney(a, b);
  console.log(`Mann-Whitney U: z = ${z.toFixed(2)}, two-sided p = ${p.toFixed(4)} (p above 0.05: no difference detected)`);
  if (answers.size !== 1) {
    console.error(`${what}: the two kinds were answered differently`);
    process.exitCode = 1;
  }
  const [first, second] = Object.values(medians);
  const gap = Math.abs(first - second) / Math.max(first, second);
  if (p < 0.001 && gap >= 0.1) {
    console.error(`${what}: the timing tells the two apart: medians ${first.toFixed(2)} and ${second.toFixed(2)} ms (p = ${p.toFixed(4)})`);
    process.exitCode = 1;
  }
}

const outbox = mkdtempSync(join(tmpdir(), 'guestroom-outbox-'));
const server = await startServer({ env: { MAIL_OUTBOX: outbox } });
try {
  const password = 'staple battery horse';
  const signUp = await post(server.url, '/api/account/sign-up', {
    email: 'member@example.com', password, display_name: '',
  });
  if (signUp.status !== 200) throw new Error(`sign-up failed: ${signUp.status} ${signUp.body}`);
  const kinds = {
    'unknown email': () => ({ email: `nobody-${randomBytes(6).toString('hex')}@example.com`, password }),
    'wrong password': () => ({ email: 'member@example.com', password: `wrong ${randomBytes(6).toString('hex')}` }),
  };
  const times = { 'unknown email': [], 'wrong password': [] };
  const answers = new Set();
  const warmUp = Math.min(20, attempts);
  for (let i = 0; i < attempts + warmUp; i += 1) {
    const order = Math.random() < 0.5 ? Object.keys(kinds) : Object.keys(kinds).reverse();
    for (const kind of order) {
      const answer = await post(server.url, '/api/account/sign-in', kinds[kind]());
      answers.add(`${answer.status} ${answer.body}`);
      if (i >= warmUp) times[kind].push(answer.ms);
    }
  }
  compare('sign-in', times, answers);

  // "Forgot password?": members' addresses against addresses without an account.
  const resets = Math.min(50, attempts);
  const members = [];
  for (let i = 0; i < resets; i += 1) {
    const email = `reset-${i}-${randomBytes(4).toString('hex')}@example.com`;
    const made = await post(server.url, '/api/account/sign-up', { email, password, display_name: '' });
    if (made.status !== 200) throw new Error(`sign-up failed: ${made.status} ${made.body}`);
    members.push(email);
  }
  let client = 0;
  const from = () => {
    client += 1;
    return { 'x-forwarded-for': `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}` };
  };
  const nobody = () => `nobody-${randomBytes(6).toString('hex')}@example.com`;
  /** Asks `path` for a member's address and for one without an account, interleaved. */
  async function askByAddress(what, path, addresses, form, headers = () => ({})) {
    const asks = { 'no account': nobody, member: () => addresses.pop() };
    const times = { 'no account': [], member: [] };
    const answers = new Set();
    for (let i = 0; i < resets; i += 1) {
      const order = Math.random() < 0.5 ? Object.keys(asks) : Object.keys(asks).reverse();
      for (const kind of order) {
        const answer = await post(server.url, path, form(asks[kind]()), { ...from(), ...headers(i) });
        answers.add(`${answer.status} ${answer.body}`);
        times[kind].push(answer.ms);
      }
    }
    compare(what, times, answers);
  }
  await askByAddress('forgot-password', '/api/account/forgot-password', [...members], (email) => ({ email }));
  await askByAddress('email-link', '/api/account/email-link', [...members], (email) => ({ email }));

  // A change of address: each of these members asks to move to a member's address and
  // to a free one.
  const sessions = [];
  for (let i = 0; i < resets; i += 1) {
    const email = `changer-${i}-${randomBytes(4).toString('hex')}@example.com`;
    const made = await post(server.url, '/api/account/sign-up', { email, password, display_name: '' }, from());
    if (made.status !== 200) throw new Error(`sign-up failed: ${made.status} ${made.body}`);
    sessions.push(made.cookies);
  }
  await askByAddress('change-email', '/api/account/change-email', [...members],
    (email) => ({ email, password }), (i) => ({ cookie: sessions[i] }));
} finally {
  await server.stop();
  rmSync(outbox, { recursive: true, force: true });
}
