// The server's memory under the read and the page (issue 28's target: a peak of 24 MiB).
// `bench/http.mjs` reports each shape's peak within its full run; this looks at that one
// question alone, in under a minute: a server started on the benchmark's guest, with no
// password hashed, and its resident set split into what it allocated and what it mapped.
//
//   node bench/memory.mjs [--smoke]
//
// Prints the resident set idle (after one page), then after 10 s of wrk at 64 connections
// on the roster read and after 10 s on `/` uncompressed (2 s each with `--smoke`): now, at
// its peak so far, and the anonymous and file-backed parts (the file part is mostly the
// binary's code). Needs GUESTROOM_BIN (or CARGO_TARGET_DIR's release build) and
// LEPTOS_SITE_ROOT, like the other benchmark scripts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fmt, shapes, spread } from './measure.mjs';
import { seedRoster, startServer } from './server.mjs';

const seconds = process.argv.includes('--smoke') ? 2 : 10;
const dir = mkdtempSync(join(tmpdir(), 'guestroom-memory-'));
const database = join(dir, 'bench.db');

/** The server's resident set now: its fields of `/proc/<pid>/status`, in MiB. */
function resident(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (field) => Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))[1]) / 1024;
  return { now: mib('VmRSS'), peak: mib('VmHWM'), anon: mib('RssAnon'), file: mib('RssFile') };
}

try {
  const seeding = await startServer({ database });
  const { cookie, ids } = await seedRoster(seeding.url);
  await seeding.stop();
  const server = await startServer({ database });
  try {
    const row = (what, rps = '') => {
      const m = resident(server.pid);
      console.log(`| ${what} | ${rps} | ${fmt(m.now, 1)} | ${fmt(m.peak, 1)} | ${fmt(m.anon, 1)} | ${fmt(m.file, 1)} |`);
    };
    console.log(`Resident set of a server started alone (MiB; wrk at 64 connections, ${seconds} s a shape):\n`);
    console.log('| after | req/s | now | peak | anonymous | file-backed |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const page = await fetch(`${server.url}/`, { headers: { cookie } });
    if (!page.ok) throw new Error(`/: ${page.status}`);
    await page.text();
    row('one page (idle)');
    const all = shapes(cookie, ids);
    for (const key of ['read', 'page']) {
      const [name, shape] = all[key];
      const result = await spread([server.url], shape, seconds);
      if (result.failed > 0 || result.socketErrors) throw new Error(`${name}: ${result.failed} failed, ${result.socketErrors}`);
      row(name, fmt(result.rps));
    }
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
