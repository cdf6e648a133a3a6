// A burst of password sign-ins from one IPv6 /64, all at once, while a member signs in
// from an address of their own and a visitor loads pages. Every sign-in costs an argon2
// hash; the burst must be shed (refused at once, past its network's places in the
// hashing line), not queued ahead of everyone: the member's sign-ins all succeed and the
// pages all load. The figures — the lone member's p99 among them — are what
// bench/RESULTS.md reports, before and after the hashing line was bounded per network.
//
// The server believes `X-Forwarded-For` from loopback (a proxy on this machine), which
// is how the burst and the member get addresses of their own on 127.0.0.1.

import { readFileSync } from 'node:fs';

import { Guest, check, percentile, sleep, startServer } from './lib.mjs';

const PASSWORD = 'staple battery horse';

/** A password sign-in as the client at `ip`; resolves to its status and milliseconds. */
async function signIn(url, ip, email, password) {
  const started = performance.now();
  const response = await fetch(`${url}/api/account/sign-in`, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-for': ip,
    },
    body: new URLSearchParams({ email, password }).toString(),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/** Tallies statuses: `{ 200: n, 503: m, … }`. */
const tally = (results) =>
  results.reduce((counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

/**
 * `burst` wrong-password sign-ins from one /64 at once, `rounds` times, while a member
 * signs in from 198.51.100.20 and a visitor loads `/` from 198.51.100.30.
 */
export async function signInBurst(databaseUrl, burst, rounds) {
  const server = await startServer(databaseUrl, { CLIENT_IP_HEADER: 'X-Forwarded-For' });
  try {
    const member = new Guest();
    const signedUp = await member.call(server.url, 'account/sign-up', {
      email: 'ada@example.com', password: PASSWORD, display_name: 'Ada',
    });
    check(signedUp.status === 200, `sign-up: ${signedUp.status} ${JSON.stringify(signedUp.body)}`);
    const afterSignUp = server.rss();

    const signIns = [];
    const pages = [];
    const flood = [];
    for (let round = 0; round < rounds; round++) {
      let flooding = true;
      const burstDone = Promise.all(
        Array.from({ length: burst }, (_, i) =>
          signIn(server.url, `2001:db8:1:2::${(i + 1).toString(16)}`, `guess${i}@example.com`, 'not the password'),
        ),
      ).then((results) => { flooding = false; return results; });
      // The member and the visitor, one request after another, while the burst lasts.
      const lone = (async () => {
        await sleep(20);
        do {
          signIns.push(await signIn(server.url, '198.51.100.20', 'ada@example.com', PASSWORD));
        } while (flooding);
      })();
      const visitor = (async () => {
        await sleep(20);
        do {
          const started = performance.now();
          const response = await fetch(`${server.url}/`, { headers: { 'x-forwarded-for': '198.51.100.30' } });
          await response.arrayBuffer();
          pages.push({ status: response.status, ms: performance.now() - started });
        } while (flooding);
      })();
      flood.push(...(await burstDone));
      await Promise.all([lone, visitor]);
      await sleep(200);
    }

    const figures = {
      burst: { requests: flood.length, statuses: tally(flood), p50: percentile(flood.map((r) => r.ms), 50) },
      member: { signIns: signIns.length, statuses: tally(signIns), p50: percentile(signIns.map((r) => r.ms), 50), p99: percentile(signIns.map((r) => r.ms), 99) },
      pages: { loads: pages.length, statuses: tally(pages), p99: percentile(pages.map((r) => r.ms), 99) },
      // The server's resident memory, in MiB: after the one sign-up's hash, and its peak
      // over the bursts (each hash takes 19 MiB; the hashing slots bound how many run).
      memory: { afterSignUp, peak: Number(readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)[1]) / 1024 },
    };
    console.log(`  sign-in burst: ${JSON.stringify(figures)}`);
    check(signIns.every((r) => r.status === 200), `the member's sign-ins: ${JSON.stringify(tally(signIns))}`);
    check(pages.every((r) => r.status === 200), `the page loads: ${JSON.stringify(tally(pages))}`);
    check(figures.member.p99 < 2000, `the member's sign-in p99 was ${figures.member.p99.toFixed(0)} ms during the burst`);
    check((figures.burst.statuses[503] ?? 0) > 0, 'the burst was queued, not shed: no 503');
    return figures;
  } finally {
    await server.stop();
  }
}
