// The reliability suite. `node tests/reliability/run.mjs` runs it in full (tens of
// minutes); `--smoke` runs every scenario briefly (what CI does). Needs the release
// server (GUESTROOM_BIN, LEPTOS_SITE_ROOT) and PostgreSQL (scripts/reliability.sh sets
// both up). All traffic goes to 127.0.0.1; every loop is bounded in count and time.

import { killUnderLoad } from './kill.mjs';
import { killDuringMerges } from './merge.mjs';
import { threeInstances } from './instances.mjs';
import { slowloris } from './slowloris.mjs';
import { outage } from './outage.mjs';
import { soak } from './soak.mjs';
import { blockedStderr } from './stderr.mjs';
import { signInBurst } from './signin-burst.mjs';
import { postgresDatabase, sqliteUrl, startServer } from './lib.mjs';

const smoke = process.argv.includes('--smoke');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

/** Each scenario with its full and smoke sizes. */
const scenarios = {
  'kill-sqlite': () => killUnderLoad('SQLite', sqliteUrl(), smoke ? 2 : 20),
  'kill-postgres': () => killUnderLoad('PostgreSQL', postgresDatabase('guestroom_reliability'), smoke ? 2 : 20),
  'kill-merge-sqlite': () => killDuringMerges('SQLite', sqliteUrl(), smoke ? 2 : 20),
  'kill-merge-postgres': () => killDuringMerges('PostgreSQL', postgresDatabase('guestroom_reliability'), smoke ? 2 : 20),
  instances: () => threeInstances(postgresDatabase('guestroom_reliability'), smoke ? 200 : 2000),
  slowloris: async () => {
    const server = await startServer(sqliteUrl());
    try {
      return await slowloris(server, smoke ? 500 : 3000, smoke ? 5 : 30);
    } finally {
      await server.stop();
    }
  },
  outage: () => outage(postgresDatabase('guestroom_reliability'), smoke ? 8 : 30),
  // Smoke: past the pipe, within the buffer; full: past the buffer too (lines dropped).
  'stderr-blocked': async () => {
    const server = await startServer(sqliteUrl());
    try {
      const dropped = await blockedStderr(server, smoke ? 3000 : 80_000);
      if (!smoke && dropped === 0) throw new Error('no log line was dropped past the buffer');
    } finally {
      await server.stop();
    }
  },
  soak: () => soak(sqliteUrl(), smoke ? 10 : 600),
  'signin-burst': () => signInBurst(sqliteUrl(), smoke ? 200 : 600, smoke ? 1 : 5),
};

const started = Date.now();
for (const [name, run] of Object.entries(scenarios)) {
  if (only.length && !only.includes(name)) continue;
  const t = Date.now();
  await run();
  console.log(`  ${name}: passed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
console.log(`reliability suite${smoke ? ' (smoke)' : ''}: passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
