// kill -9 under write load: every write the server acknowledged (a 2xx) is there after a
// restart, exactly once, and nothing is half-written; the write each writer had in flight
// at the kill, sent again after the restart with its idempotency key as the page's client
// sends it, is there exactly once too, whether or not it had landed before the kill.

import { Guest, check, sleep, startServer } from './lib.mjs';

/** Avatars one guest makes before the next worker's guest takes over (the cap is 100). */
const PER_GUEST = 90;
const WORKERS = 8;
/** Writes a round must see acknowledged before the kill, or it proves nothing. */
const MIN_ACKNOWLEDGED = WORKERS;

/**
 * One round: `WORKERS` writers add avatars until the server is killed 0.3–1.5 s in; the
 * server is restarted on the same database and every guest's roster is checked against
 * what was acknowledged. Returns the round's figures.
 */
async function round(databaseUrl, number) {
  let server = await startServer(databaseUrl);
  const guests = [];
  let killing = false;
  const worker = async (w) => {
    let guest = null;
    while (!killing) {
      if (!guest || guest.acknowledged.length >= PER_GUEST) {
        guest = Object.assign(new Guest(), { acknowledged: [], attempted: 0 });
        guests.push(guest);
      }
      const name = `r${number}w${w}n${guest.attempted++}`;
      let answer;
      try {
        answer = await guest.call(server.url, 'roster/create', { emoji: '🦊', name }, name);
      } catch (error) {
        // The connection died with the server: this write was never acknowledged, and is
        // sent again after the restart. Before the kill, a failed request is a failure
        // of the round.
        if (killing) {
          guest.unanswered = name;
          break;
        }
        throw error;
      }
      // Every write the server answers is acknowledged: the limits are out of the way,
      // so a refusal is a fault (a 5xx under load, say), not a write to leave out.
      check(answer.status === 200, `round ${number}: a write was answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      guest.acknowledged.push(name);
    }
  };
  // Settled at once, so a worker that fails before the kill is reported, not unhandled.
  const writers = Promise.allSettled(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  await sleep(300 + Math.random() * 1200);
  killing = true;
  await server.kill9();
  const failed = (await writers).filter((outcome) => outcome.status === 'rejected');
  const reasons = new Set(failed.map((outcome) => outcome.reason?.message ?? String(outcome.reason)));
  check(!failed.length, [...reasons].join('; '));

  server = await startServer(databaseUrl);
  let acknowledged = 0;
  let retried = 0;
  let landed = 0;
  for (const guest of guests) {
    if (!guest.cookies.size) continue; // never answered: owns nothing
    if (guest.unanswered) {
      const name = guest.unanswered;
      const before = await guest.call(server.url, 'roster/list');
      // Made before the kill: the resend is answered from its key, not made again.
      if (before.body.some((avatar) => avatar.name === name)) landed += 1;
      const { status, body } = await guest.call(server.url, 'roster/create', { emoji: '🦊', name }, name);
      check(status === 200, `round ${number}: a write sent again was answered ${status}: ${JSON.stringify(body)}`);
      guest.acknowledged.push(name);
      retried += 1;
    }
    const { status, body } = await guest.call(server.url, 'roster/list');
    check(status === 200, `round ${number}: the roster does not load (${status})`);
    const names = body.map((avatar) => avatar.name);
    for (const avatar of body) {
      check(avatar.emoji === '🦊' && /^r\d+w\d+n\d+$/.test(avatar.name), `half-written: ${JSON.stringify(avatar)}`);
    }
    check(new Set(names).size === names.length, `round ${number}: an avatar stored twice`);
    const missing = guest.acknowledged.filter((name) => !names.includes(name));
    check(!missing.length, `round ${number}: acknowledged but lost: ${missing.join(', ')}`);
    // The write in flight at the kill was sent again: nothing is there that nobody was
    // told about.
    const extra = names.length - guest.acknowledged.length;
    check(extra === 0, `round ${number}: ${extra} avatars nobody was told about`);
    acknowledged += guest.acknowledged.length;
  }
  await server.stop();
  check(
    acknowledged >= MIN_ACKNOWLEDGED,
    `round ${number}: only ${acknowledged} writes were acknowledged before the kill (at least ${MIN_ACKNOWLEDGED})`,
  );
  return { acknowledged, retried, landed, guests: guests.length };
}

/** `rounds` rounds on `databaseUrl`; prints each and returns the totals. */
export async function killUnderLoad(label, databaseUrl, rounds) {
  let acknowledged = 0;
  for (let n = 1; n <= rounds; n++) {
    const figures = await round(databaseUrl, n);
    acknowledged += figures.acknowledged;
    console.log(`kill -9 ${label} round ${n}/${rounds}: ${figures.acknowledged} acknowledged writes of ${figures.guests} guests, ${figures.retried} of them sent again after the restart (${figures.landed} had landed before the kill), each present exactly once`);
  }
  return { rounds, acknowledged };
}
