// Instructions per request, Guestroom beside the same work written by hand
// (bench/reference), counted by valgrind's callgrind: the same count for the same binary
// and requests whatever else the machine is doing, where req/s on this machine moves by
// ±10% between rounds. A change too small for `bench/ab.mjs` to see shows here.
//
//   node bench/instructions.mjs [--requests=N] [--smoke]
//
// For each shape: the benchmark's guest (10 avatars) seeded by Guestroom on one SQLite file,
// then each server started on it under callgrind, warmed up, and its instructions counted
// over N requests sent one at a time (all threads, user space: the kernel's share of a
// request, about a sixth of the read's time, is not counted). Needs GUESTROOM_BIN (or
// CARGO_TARGET_DIR's release build), BENCH_REFERENCE_BIN (or the reference beside it) and
// LEPTOS_SITE_ROOT, like the other benchmark scripts.
//
// The count is not the time: callgrind counts libc's bulk copies and fills (`memcpy`,
// `memmove`, `memset`: `rep movsb`/`rep stosb`) one instruction per byte, where the CPU
// moves tens of bytes a cycle, and an instruction that misses the cache costs as one that
// hits. The second ratio leaves the bulk copies and fills out; neither replaces req/s and
// a CPU profile (bench/RESULTS.md, "the count is not the time").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fmt } from './measure.mjs';
import { beside, bin, clientRequests, seedRoster, startServer } from './server.mjs';

const smoke = process.argv.includes('--smoke');
const requests = Number(process.argv.find((a) => a.startsWith('--requests='))?.slice(11) ?? (smoke ? 2 : 100));
const warmUp = smoke ? 2 : 20;
if (requests % 2 !== 0) throw new Error('--requests must be even: the toggle ends where it began');
const referenceBin = beside('bench-reference', 'BENCH_REFERENCE_BIN');

const dir = mkdtempSync(join(tmpdir(), 'guestroom-instructions-'));
const database = join(dir, 'bench.db');

/** The shapes, last the toggle: with an even count of its requests, the other server then
 * renders the same page. */
function shapes(url, cookie, ids) {
  const client = clientRequests(url, cookie, ids);
  return {
    'roster read (`POST /api/roster/list`)': client.read,
    '`/`, brotli': () => client.page('br'),
    '`/`, uncompressed': () => client.page('identity'),
    'toggle (`POST /api/roster/activate`)': (i) => client.toggle(i),
  };
}

/** The instructions of `dump` in libc's bulk copies and fills, counted per byte. */
function bulk(dump) {
  // Its warnings about the smoke run's small dumps ("uninitialized value") are not kept.
  const annotated = execFileSync('callgrind_annotate', ['--threshold=100', dump], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return annotated
    .split('\n')
    .filter((line) => /:__mem(cpy|move|set)_\w+ \[/.test(line))
    .reduce((sum, line) => sum + Number(line.trim().split(' ')[0].replaceAll(',', '')), 0);
}

/** Instructions per request of each shape on `command`, started once under callgrind. */
async function count(command, cookie, ids) {
  const server = await startServer({
    command: 'valgrind',
    args: ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${dir}/callgrind.%p`, command],
    database,
  });
  const control = (...args) => execFileSync('callgrind_control', [...args, String(server.pid)], { stdio: 'ignore' });
  const counts = {};
  try {
    for (const [name, send] of Object.entries(shapes(server.url, cookie, ids))) {
      const run = async (n) => {
        for (let i = 0; i < n; i += 1) {
          const response = await send(i);
          if (!response.ok) throw new Error(`${name}: ${response.status}`);
          await response.arrayBuffer();
        }
      };
      await run(warmUp);
      control('--zero');
      control('--instr=on');
      await run(requests);
      control('--instr=off');
      control('--dump');
      // callgrind numbers its dumps from 1: this shape's is the next.
      const dump = join(dir, `callgrind.${server.pid}.${Object.keys(counts).length + 1}`);
      const totals = readFileSync(dump, 'utf8').match(/^totals: (\d+)$/m);
      if (!totals) throw new Error(`${command}: no totals in callgrind's dump ${dump}`);
      counts[name] = { all: Number(totals[1]) / requests, bulk: bulk(dump) / requests };
    }
  } finally {
    await server.stop();
  }
  return counts;
}

try {
  const seeding = await startServer({ database });
  const { cookie, ids } = await seedRoster(seeding.url);
  await seeding.stop();
  console.log(`Instructions per request (callgrind, ${requests} requests after ${warmUp} to warm up):\n`);
  console.log('| shape | Guestroom | by hand | ratio | of which bulk copies and fills | ratio without them |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const [ours, theirs] = [await count(bin, cookie, ids), await count(referenceBin, cookie, ids)];
  for (const [name, { all, bulk: copied }] of Object.entries(ours)) {
    const hand = theirs[name];
    const without = (all - copied) / (hand.all - hand.bulk);
    console.log(`| ${name} | ${fmt(all)} | ${fmt(hand.all)} | ${fmt(all / hand.all, 2)}× | ${fmt(copied)} / ${fmt(hand.bulk)} | ${fmt(without, 2)}× |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
