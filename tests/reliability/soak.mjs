// Soak: mixed load at 80% of the most this machine's client and server reach together,
// for minutes. Every answer must be a success, and the server's memory must stay flat.

import { Guest, check, sleep, startServer } from './lib.mjs';

const GUESTS = 16;

/** One step of the mix for `guest`: reads mostly, some toggles, some adds and removes. */
async function step(url, guest, n) {
  const pick = n % 10;
  if (pick < 7) return guest.call(url, 'roster/list');
  if (pick < 9) return guest.call(url, 'roster/activate', { id: guest.avatar, is_active: String(n % 2 === 0) });
  const { status, body } = await guest.call(url, 'roster/create', { emoji: '🐙', name: `n${n}` });
  if (status !== 200) return { status, body };
  return guest.call(url, 'roster/delete', { id: body.id });
}

/** Requests per second that `GUESTS` guests keep up, flat out, for `ms`. */
async function flatOut(url, guests, ms) {
  let done = 0;
  const until = Date.now() + ms;
  await Promise.all(guests.map(async (guest) => {
    for (let n = 0; Date.now() < until; n++, done++) await step(url, guest, n);
  }));
  return done / (ms / 1000);
}

export async function soak(databaseUrl, seconds) {
  const server = await startServer(databaseUrl);
  const guests = [];
  for (let g = 0; g < GUESTS; g++) {
    const guest = new Guest();
    const { body } = await guest.call(server.url, 'roster/create', { emoji: '🦊', name: 'Kept' });
    guest.avatar = body.id;
    guests.push(guest);
  }
  const maximum = await flatOut(server.url, guests, 5000);
  const rate = maximum * 0.8;
  // Paced: each guest waits its share of the interval between its requests.
  const interval = (1000 * GUESTS) / rate;
  const statuses = new Map();
  let answered = 0;
  // Forty samples whatever the length, so that a 10-second smoke run compares quarters
  // of two seconds and more, as a full run compares quarters of minutes.
  const rss = [];
  const sampler = setInterval(() => rss.push(server.rss()), (seconds * 1000) / 40);
  const until = Date.now() + seconds * 1000;
  await Promise.all(guests.map(async (guest, g) => {
    await sleep((g * interval) / GUESTS);
    for (let n = 0, next = Date.now(); Date.now() < until; n++) {
      let status = 0;
      try {
        status = (await step(server.url, guest, n)).status;
      } catch { /* counted as 0 */ }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      answered++;
      next += interval;
      await sleep(Math.max(0, next - Date.now()));
    }
  }));
  clearInterval(sampler);
  rss.push(server.rss());
  await server.stop();

  const errors = [...statuses].filter(([status]) => status !== 200).reduce((sum, [, count]) => sum + count, 0);
  // Flat: the last quarter's peak within 10% (or 4 MiB) of the second quarter's.
  check(rss.length >= 20, `only ${rss.length} memory samples in the soak`);
  const quarter = Math.floor(rss.length / 4);
  const early = Math.max(...rss.slice(quarter, 2 * quarter));
  const late = Math.max(...rss.slice(-quarter));
  console.log(`soak ${seconds} s: maximum ${maximum.toFixed(0)} req/s (client and server sharing 2 cores), paced at ${rate.toFixed(0)} req/s; ${answered} answers, ${errors} not 200 (${[...statuses].map(([s, c]) => `${s}: ${c}`).join(', ')}); RSS ${rss[0].toFixed(1)} → ${late.toFixed(1)} MiB (second-quarter peak ${early.toFixed(1)}, last-quarter peak ${late.toFixed(1)})`);
  check(errors === 0, `${errors} failed requests in the soak`);
  check(late <= Math.max(early * 1.1, early + 4), `RSS grew: ${early.toFixed(1)} → ${late.toFixed(1)} MiB`);
  return { maximum, answered, rss: late };
}
