// Runs browser test files with `node --test`, one file at a time, and fails unless every
// test the files declare ran and passed: `node --test` itself exits 0 when it finds no
// file, when a test is skipped or marked todo, and a count read from its text output
// silently becomes 0 when a Node release rewords it.
//
//   node apps/web/end2end/run.mjs [FILE…]    (default: every tests/*.test.mjs)
//
// A file declares as many tests as it has `test(` calls (one in a loop declares one or
// more), so the run must pass at least that many in each file. The last line says how
// many passed: `browser tests: N passed …` (scripts/test.sh reads it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const given = process.argv.slice(2);
const files = (given.length
  ? given
  : readdirSync(join(here, 'tests')).filter((name) => name.endsWith('.test.mjs')).map((name) => join(here, 'tests', name))
).map((file) => resolve(file));

/** `test(`, `test.skip(`, `test.todo(`, `test.only(` (and `it`) calls that start a line. */
const declared = (file) =>
  readFileSync(file, 'utf8').split('\n').filter((line) => /^\s*(test|it)(\.(skip|todo|only))?\(/.test(line)).length;

const problems = [];
const expected = new Map(files.map((file) => [file, declared(file)]));
if (files.length === 0) problems.push('no test files');

const folder = mkdtempSync(join(tmpdir(), 'guestroom-e2e-report-'));
const events = join(folder, 'events.jsonl');
const run = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    // A file whose test waits on something with no timeout of its own (`page.evaluate`,
    // a promise) is cancelled after this, and named, instead of holding the run until
    // CI's own limit (once seen: offline.test.mjs on PostgreSQL, 11 minutes). Under
    // `--test` the limit is per file: the 130 tests on SQLite take about 7 minutes in all.
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(here, 'reporter.mjs')}`,
    `--test-reporter-destination=${events}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
let results = [];
try {
  results = readFileSync(events, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
} catch (error) {
  problems.push(`no report from node --test (${error.message})`);
}
rmSync(folder, { recursive: true, force: true });
if (run.status !== 0) problems.push(`node --test exited with ${run.status ?? run.signal}`);

const tally = new Map(files.map((file) => [file, { pass: 0, fail: 0, skip: 0, todo: 0 }]));
for (const { file, name, outcome } of results) {
  const counts = tally.get(file ? resolve(file) : null);
  if (!counts) {
    problems.push(`a result from outside the given files: ${file}: ${name} (${outcome})`);
    continue;
  }
  counts[outcome] += 1;
  if (outcome !== 'pass') problems.push(`${outcome}: ${name} (${file})`);
}
let passed = 0;
let wanted = 0;
for (const [file, counts] of tally) {
  passed += counts.pass;
  wanted += expected.get(file);
  if (expected.get(file) === 0) problems.push(`${file} declares no test`);
  if (counts.pass < expected.get(file)) {
    problems.push(`${file}: ${counts.pass} passed of at least ${expected.get(file)} declared`);
  }
}

if (problems.length) {
  console.error(`\nthe browser run is not a pass:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
}
console.log(`browser tests: ${passed} passed in ${files.length} files (at least ${wanted} declared)`);
