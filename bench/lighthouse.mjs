// Lighthouse (npm `lighthouse@12.2.3`, with Debian's Chromium) on `/` of the release
// server, as the benchmark's guest with 10 avatars sees it on a first visit: the four
// category scores, LCP, TBT, CLS and the bytes transferred. Lighthouse's defaults
// otherwise (a mobile device on a throttled network, simulated). Prints Markdown;
// exits 1 when Lighthouse could not run. bench/run.sh runs it after the HTTP figures.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { seedRoster, startServer } from './server.mjs';

const LIGHTHOUSE = 'lighthouse@12.2.3';
const chrome = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

const server = await startServer();
const dir = mkdtempSync(join(tmpdir(), 'guestroom-lighthouse-'));
let report;
try {
  const { cookie } = await seedRoster(server.url);
  const output = join(dir, 'report.json');
  // Asynchronous, so this process keeps draining the server's stderr meanwhile.
  await promisify(execFile)(
    'npx',
    [
      '--yes', LIGHTHOUSE, `${server.url}/`,
      '--output=json', `--output-path=${output}`, '--quiet',
      '--chrome-flags=--headless=new --no-sandbox',
      `--extra-headers=${JSON.stringify({ Cookie: cookie })}`,
    ],
    { env: { ...process.env, CHROME_PATH: chrome }, maxBuffer: 64 * 2 ** 20 },
  );
  report = JSON.parse(readFileSync(output, 'utf8'));
} finally {
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
}

const score = (id) => Math.round(report.categories[id].score * 100);
const audit = (id) => report.audits[id].numericValue;
const requests = report.audits['network-requests'].details.items;
const below100 = Object.values(report.categories)
  .flatMap((category) => category.auditRefs.filter((ref) => ref.weight > 0).map((ref) => report.audits[ref.id]))
  .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
  .map((a) => a.id);

console.log(`\nLighthouse ${report.lighthouseVersion} (${report.configSettings.formFactor}, ${report.configSettings.throttlingMethod} throttling) on \`/\`, guest with 10 avatars:\n`);
console.log('| performance | accessibility | best practices | SEO | LCP | TBT | CLS | transferred |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${score('performance')} | ${score('accessibility')} | ${score('best-practices')} | ${score('seo')} ` +
    `| ${(audit('largest-contentful-paint') / 1000).toFixed(2)} s | ${audit('total-blocking-time').toFixed(0)} ms ` +
    `| ${audit('cumulative-layout-shift').toFixed(3)} | ${audit('total-byte-weight').toLocaleString('en-US')} B in ${requests.length} requests |`,
);
if (below100.length) console.log(`\nfailed audits: ${below100.join(', ')}`);
