// What one request costs PostgreSQL (docs/scaling.md): for each request shape, the
// statements and round trips it sends, read off the wire, and the CPU time it takes the
// database and the server. The server (GUESTROOM_BIN) reaches PostgreSQL through a
// counting proxy on loopback, which reads PostgreSQL's protocol from the client's side:
// each Execute or simple Query is a statement, each Sync or simple Query ends a round
// trip (the client then waits for ReadyForQuery). TLS is off on that hop (the proxy must
// read it; the server's own TLS is not what is measured).
//
//   BENCH_POSTGRES_URL=postgres://…/db node bench/postgres-cost.mjs [--requests=N]
//
// N requests of each shape (2,000 by default), 8 at a time, after 200 not counted;
// prints Markdown. The CPU figures are at that load, not at saturation. bench/run.sh runs
// it (`--smoke`: 50 requests). Fails when the read was not seen on the wire: then the
// proxy is not between the server and the database, and every figure would be zero.
import { createConnection, createServer } from 'node:net';

import { cpuSeconds, fmt, postgresPids } from './measure.mjs';
import { clientRequests, newGuest, seedRoster, startServer } from './server.mjs';

const target = new URL(process.env.BENCH_POSTGRES_URL ?? '');
const smoke = process.argv.includes('--smoke');
const requests = Number(process.argv.find((a) => a.startsWith('--requests='))?.slice(11) ?? (smoke ? 50 : 2000));
const warmUp = smoke ? 10 : 200;
const CONCURRENCY = 8;

/** Statements executed (by their SQL) and round trips, since the last `take()`. */
const wire = {
  statements: new Map(),
  roundTrips: 0,
  take() {
    const taken = { statements: this.statements, roundTrips: this.roundTrips };
    this.statements = new Map();
    this.roundTrips = 0;
    return taken;
  },
};
const count = (sql) => wire.statements.set(sql, (wire.statements.get(sql) ?? 0) + 1);

/** Reads the client's side of one connection: startup first, then typed messages. */
function reader() {
  let buffer = Buffer.alloc(0);
  let started = false;
  const prepared = new Map(); // statement name → SQL
  let bound = '';
  const cstrings = (body, n) => {
    const out = [];
    let at = 0;
    for (let i = 0; i < n; i += 1) {
      const end = body.indexOf(0, at);
      out.push(body.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  };
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        // A StartupMessage (protocol 3.0), after any SSL or GSS request refused.
        if (buffer.readInt32BE(4) === 196608) started = true;
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) return;
      const type = String.fromCharCode(buffer[0]);
      const body = buffer.subarray(5, 1 + length);
      if (type === 'P') {
        const [name, sql] = cstrings(body, 2);
        prepared.set(name, sql);
      } else if (type === 'B') {
        bound = prepared.get(cstrings(body, 2)[1]) ?? '?';
      } else if (type === 'E') {
        count(bound);
      } else if (type === 'Q') {
        count(cstrings(body, 1)[0]);
        wire.roundTrips += 1;
      } else if (type === 'S') {
        wire.roundTrips += 1;
      }
      buffer = buffer.subarray(1 + length);
    }
  };
}

const proxy = createServer((client) => {
  const server = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
  const read = reader();
  client.on('data', (chunk) => {
    read(chunk);
    server.write(chunk);
  });
  server.on('data', (chunk) => client.write(chunk));
  const close = () => {
    client.destroy();
    server.destroy();
  };
  client.on('error', close).on('close', close);
  server.on('error', close).on('close', close);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxied = new URL(target);
proxied.host = `127.0.0.1:${proxy.address().port}`;
proxied.searchParams.set('sslmode', 'disable');

/** CPU seconds of PostgreSQL's processes, those alive now (a backend that ended is lost). */
const postgresCpu = () => postgresPids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);

/** `n` requests made by `send`, `CONCURRENCY` at a time; throws on any answer not 2xx/3xx. */
async function load(n, send) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next += 1;
      const response = await send(next);
      await response.arrayBuffer();
      if (response.status >= 400) throw new Error(`answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const server = await startServer({ postgres: proxied.toString() });
const rows = [];
try {
  const { url } = server;
  const { cookie, ids } = await seedRoster(url);
  const client = clientRequests(url, cookie, ids);
  const shapes = [
    ['roster read (`POST /api/roster/list`)', client.read],
    ['`/` for the guest with 10 avatars', () => client.page('br')],
    ['`/` for a first visit (a new guest)', () => clientRequests(url).page('br')],
    ['toggle (`POST /api/roster/activate`)', (i) => client.toggle(i)],
    ['toggle with an `Idempotency-Key`', (i) => client.toggle(i, { 'idempotency-key': `cost-${Date.now()}-${i}` })],
  ];
  await newGuest(url);
  for (const [name, send] of shapes) {
    await load(warmUp, send);
    wire.take();
    const [db0, app0] = [postgresCpu(), cpuSeconds(server.pid)];
    await load(requests, send);
    const [db1, app1] = [postgresCpu(), cpuSeconds(server.pid)];
    const { statements, roundTrips } = wire.take();
    const total = [...statements.values()].reduce((a, b) => a + b, 0);
    const listed = [...statements]
      .sort((a, b) => b[1] - a[1])
      .map(([sql, n]) => `${fmt(n / requests, 2)} × \`${sql.replace(/\s+/g, ' ').slice(0, 70)}\``)
      .join('<br>');
    rows.push([name, total / requests, roundTrips / requests, ((db1 - db0) / requests) * 1e6, ((app1 - app0) / requests) * 1e6, listed]);
  }
} finally {
  await server.stop();
  proxy.close();
}

console.log(`What one request costs PostgreSQL: ${fmt(requests)} requests of each shape, ${CONCURRENCY} at a time, one server, through a counting proxy:\n`);
console.log('| request | statements | round trips | PostgreSQL CPU per request | server CPU per request | the statements (per request) |');
console.log('|---|---:|---:|---:|---:|---|');
for (const [name, statements, roundTrips, db, app, listed] of rows) {
  console.log(`| ${name} | ${fmt(statements, 2)} | ${fmt(roundTrips, 2)} | ${fmt(db, 0)} µs | ${fmt(app, 0)} µs | ${listed || '—'} |`);
}
if (!(rows[0][1] >= 1)) {
  console.error('the roster read sent no statement through the proxy: these figures measure nothing');
  process.exitCode = 1;
}
