// Slowloris: thousands of connections that send their headers a byte at a time. A normal
// request must still be answered in under a second.
//
// The opening burst must be accepted without a client waiting on the kernel: with too
// short a listen queue (128, what Tokio asks for by default) the kernel drops the SYNs
// past it and those clients resend after a second. A CI run once saw the guest's first
// load take 1,038 ms that way. The guest's loads start once the burst is in.

import net from 'node:net';
import { Guest, check, percentile, sleep } from './lib.mjs';

/**
 * Holds `connections` half-open connections to `server` for `seconds` (re-opening those
 * the server closes), while a guest loads the roster page five times a second.
 */
export async function slowloris(server, connections, seconds) {
  const { hostname, port } = new URL(server.url);
  const sockets = new Set();
  let opened = 0;
  let connected = 0;
  let closedByServer = 0;
  let stopping = false;
  const open = () => {
    if (stopping) return;
    const socket = net.connect({ host: hostname, port: Number(port) });
    opened++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      if (!stopping) { closedByServer++; setTimeout(open, 100); }
    });
    socket.on('connect', () => {
      connected++;
      socket.write('GET / HTTP/1.1\r\nHost: ');
    });
  };
  // Opened in batches, as fast as a single attacker machine would.
  const burst = performance.now();
  for (let i = 0; i < connections; i++) {
    open();
    if (i % 200 === 199) await sleep(20);
  }
  const settled = Date.now() + 10_000;
  while (connected < connections && Date.now() < settled) await sleep(5);
  const burstMs = performance.now() - burst;
  check(connected >= connections, `only ${connected} of ${connections} connections were established in 10 s`);
  check(burstMs < 1000, `the burst of ${connections} connections took ${burstMs.toFixed(0)} ms to be accepted: SYNs dropped (the listen backlog?)`);
  const drip = setInterval(() => { for (const socket of sockets) socket.write('a'); }, 1000);

  const guest = new Guest();
  const latencies = [];
  let failures = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const started = performance.now();
    try {
      const response = await guest.request(server.url, '/');
      await response.arrayBuffer();
      if (response.status !== 200) failures++;
    } catch {
      failures++;
    }
    latencies.push(performance.now() - started);
    await sleep(200);
  }
  stopping = true;
  clearInterval(drip);
  const held = sockets.size;
  for (const socket of sockets) socket.destroy();

  const p99 = percentile(latencies, 99);
  const max = Math.max(...latencies);
  console.log(`slowloris: ${connections} half-open connections (accepted in ${burstMs.toFixed(0)} ms, ${opened} opened in all, ${closedByServer} closed by the header timeout, ${held} open at the end); ${latencies.length} page loads meanwhile, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms, ${failures} failed`);
  check(failures === 0, 'a normal request failed under slowloris');
  const timeline = latencies.map((ms) => ms.toFixed(0)).join(', ');
  check(max < 1000, `a normal request took ${max.toFixed(0)} ms under slowloris (each load in ms: ${timeline})`);
  return { p99, max, loads: latencies.length };
}
