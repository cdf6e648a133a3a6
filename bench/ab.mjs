// An A/B of two server builds (or two settings of one), measured the way that survives
// this machine's noise: both servers run at once, each on its own fresh SQLite file with
// the benchmark's guest, and wrk alternates between them (A, B, A, B, …) after a warm-up
// of each. Run one after the other instead, a binary's whole run could land in a slow
// spell: that once reported +64% for a change worth +1% (bench/RESULTS.md).
//
//   node bench/ab.mjs <shape> <rounds> <A> <B>
//
// <shape>: read, pageBr, page or toggle (bench/measure.mjs). <A>, <B>: a server binary,
// optionally followed by settings of its own: `path/to/guestroom MIMALLOC_ALLOW_THP=0`
// (quote it). Rounds of 10 s. Prints each side's req/s per round and their medians.
// Needs LEPTOS_SITE_ROOT, like the other benchmark scripts.
import { setTimeout as sleep } from 'node:timers/promises';

import { median, shapes, spread } from './measure.mjs';
import { seedRoster, startServer } from './server.mjs';

const [shapeName, rounds, ...sides] = process.argv.slice(2);
if (!shapeName || !Number(rounds) || sides.length !== 2) {
  console.error('usage: node bench/ab.mjs <read|pageBr|page|toggle> <rounds> <A> <B>');
  process.exit(2);
}

const servers = [];
try {
  for (const side of sides) {
    const [command, ...settings] = side.split(' ');
    const env = Object.fromEntries(settings.map((setting) => setting.split('=')));
    const server = await startServer({ command, env });
    servers.push(server);
    const { cookie, ids } = await seedRoster(server.url);
    const shape = shapes(cookie, ids)[shapeName];
    if (!shape) throw new Error(`no request shape "${shapeName}"`);
    Object.assign(server, { side, shape: shape[1], rates: [] });
  }
  for (const server of servers) await spread([server.url], server.shape, 3);
  for (let round = 0; round < Number(rounds); round += 1) {
    for (const server of servers) {
      const result = await spread([server.url], server.shape, 10);
      if (result.failed > 0) throw new Error(`${server.side}: ${result.failed} answers not 2xx/3xx`);
      server.rates.push(result.rps);
      await sleep(200);
    }
  }
  for (const [label, server] of ['A', 'B'].map((label, i) => [label, servers[i]])) {
    console.log(`${label} (${server.side}): ${server.rates.map(Math.round).join(', ')}; median ${Math.round(median(server.rates))} req/s`);
  }
} finally {
  for (const server of servers) await server.stop();
}
