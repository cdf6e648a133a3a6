// A stderr nobody reads (a full pipe, a stuck log shipper): the server's logs go through a
// bounded buffer written by a thread of their own, so it goes on answering; lines beyond
// the buffer are dropped and counted in /metrics. (Before, the workers that logged blocked
// on the full pipe, and the server answered nothing more.)

import { check } from './lib.mjs';

/**
 * Stops reading the server's stderr, then sends `requests` refused cross-site writes one
 * after another (each logs an audit line of about 200 bytes; a pipe holds 64 KiB).
 */
export async function blockedStderr(server, requests) {
  server.stopReadingLog();
  let refused = 0;
  let failed = 0;
  const started = performance.now();
  for (let i = 0; i < requests && failed === 0; i++) {
    try {
      const response = await fetch(`${server.url}/api/roster/list`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'cross-site' },
        signal: AbortSignal.timeout(2000),
      });
      await response.arrayBuffer();
      if (response.status === 403) refused++;
      else failed++;
    } catch {
      failed++;
    }
  }
  const ms = performance.now() - started;
  const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) })
    .then((response) => response.status)
    .catch(() => 'no answer');
  const metrics = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(2000) })
    .then((response) => response.text())
    .catch(() => '');
  const dropped = Number(metrics.match(/guestroom_log_lines_dropped_total (\d+)/)?.[1] ?? 0);
  server.resumeReadingLog();
  console.log(`stderr blocked: ${refused} of ${requests} cross-site writes refused in ${ms.toFixed(0)} ms, ${failed} failed; /healthz ${health}; ${dropped} log lines dropped (counted)`);
  check(failed === 0 && health === 200, 'the server stopped answering while nobody read its stderr');
  return dropped;
}
