// A database outage: PostgreSQL stopped under load. Answers are fast 503s, /readyz says
// 503, nothing panics; once PostgreSQL is back, 200s return within seconds, with no
// restart of Guestroom. Stops and starts the local cluster (root, as scripts/postgres.sh).

import { execFileSync } from 'node:child_process';
import { Guest, check, percentile, sleep, startServer } from './lib.mjs';

const CLUSTER = ['15', 'main'];
const cluster = (action) => execFileSync('pg_ctlcluster', [...CLUSTER, action, ...(action === 'stop' ? ['-m', 'fast'] : [])]);

/** `seconds` of outage under the load of eight guests reading and writing. */
export async function outage(databaseUrl, seconds) {
  const server = await startServer(databaseUrl);
  const guests = Array.from({ length: 8 }, () => new Guest());
  for (const guest of guests) await guest.call(server.url, 'roster/create', { emoji: '🦊', name: 'Before' });

  let phase = 'before';
  const answers = { before: [], during: [], after: [] };
  let running = true;
  const load = guests.map(async (guest, g) => {
    for (let n = 0; running; n++) {
      const startedIn = phase;
      const started = performance.now();
      const fn = n % 4 === 0 ? 'roster/create' : 'roster/list';
      const form = fn === 'roster/create' ? { emoji: '🐙', name: `g${g}n${n}` } : {};
      let status = 0;
      try {
        status = (await guest.call(server.url, fn, form)).status;
      } catch {
        status = 0; // the connection failed: counted, never expected
      }
      answers[startedIn].push({ status, ms: performance.now() - started, at: Date.now() });
    }
  });

  await sleep(2000);
  cluster('stop');
  const stoppedAt = Date.now();
  phase = 'during';
  let ready = 0;
  let readyChecks = 0;
  try {
    while (Date.now() - stoppedAt < seconds * 1000) {
      await sleep(1000);
      const response = await fetch(`${server.url}/readyz`);
      readyChecks++;
      if (response.status === 503) ready++;
    }
  } finally {
    // Whatever happened, the cluster the other tests use is left running.
    cluster('start');
  }
  const restartedAt = Date.now();
  phase = 'after';
  let recoveredAt = null;
  while (!recoveredAt && Date.now() - restartedAt < 30_000) {
    const { status } = await new Guest().call(server.url, 'roster/list');
    if (status === 200) recoveredAt = Date.now();
    else await sleep(100);
  }
  await sleep(1000);
  running = false;
  await Promise.all(load);

  // Answered while PostgreSQL was down (a request still waiting on the pool when it came
  // back may be answered 200 after the restart: it waited, and was served).
  const during = answers.during.filter((a) => a.at < restartedAt);
  // The requests already waiting on the pool when it went down take its acquire timeout
  // (3 s) before the breaker knows, and its first ping another second: after 5 s, every
  // answer must be quick.
  const settled = during.filter((a) => a.at - a.ms - stoppedAt > 5000);
  const statuses = [...new Set(during.map((a) => a.status))].sort();
  const p99 = percentile(settled.map((a) => a.ms), 99);
  const p99All = percentile(during.map((a) => a.ms), 99);
  const alive = !server.log().includes('panicked');
  const late = answers.during.filter((a) => a.at >= restartedAt).length;
  console.log(`outage ${seconds} s: ${during.length} answers while down (statuses ${statuses.join(', ')}), p99 ${p99All.toFixed(1)} ms over all of them, ${p99.toFixed(1)} ms once the breaker was open (${settled.length} answers), max ${Math.max(...during.map((a) => a.ms)).toFixed(0)} ms; ${late} requests waited through and were served after; /readyz 503 in ${ready} of ${readyChecks} checks; 200s again ${recoveredAt ? ((recoveredAt - restartedAt) / 1000).toFixed(2) + ' s' : 'never'} after PostgreSQL restarted (${answers.after.filter((a) => a.status === 200).length} 200s in the next second)`);
  check(during.every((a) => a.status === 503), `non-503 answers while the database was down: ${statuses}`);
  check(settled.length > 0 && p99 < 1000, `slow 503s once the breaker was open: p99 ${p99} ms`);
  check(ready === readyChecks, '/readyz answered 200 while the database was down');
  check(recoveredAt && recoveredAt - restartedAt < 10_000, 'no recovery within 10 s');
  check(alive, 'the server panicked');
  await server.stop();
  return { p99, answers: during.length };
}
