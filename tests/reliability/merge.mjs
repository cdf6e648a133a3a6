// kill -9 in the middle of guest → member merges: guests with avatars sign up all at
// once, and the server is killed while those sign-ups run. After a restart, each guest's
// avatars are all in exactly one owner (the guest's or the new member's, never split or
// doubled), and a retry of a sign-up whose answer never came merges them exactly once.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Guest, check, sleep, startServer } from './lib.mjs';

const GUESTS = 12;
const AVATARS = 6;
const PASSWORD = 'staple battery horse';

/** The names of the roster `who` sees (a guest's cookie, or a member's session). */
async function names(url, who, round) {
  const { status, body } = await who.call(url, 'roster/list');
  check(status === 200, `round ${round}: the roster does not load (${status})`);
  return body.map((avatar) => avatar.name);
}

/** A copy of `guest` holding only its guest cookie: reads the guest's own roster. */
function guestOnly(guest) {
  const copy = new Guest();
  copy.cookies = new Map([...guest.cookies].filter(([name]) => name === '__Host-guest'));
  return copy;
}

/** Signs up (or, when the account exists because an unanswered sign-up did commit, signs
 * in) as `email`; the status of the one that answered. */
async function upgrade(url, guest, email) {
  const form = { email, password: PASSWORD, display_name: '' };
  const signedUp = await guest.call(url, 'account/sign-up', form);
  if (signedUp.status !== 409) return signedUp.status;
  return (await guest.call(url, 'account/sign-in', { email, password: PASSWORD })).status;
}

async function round(databaseUrl, settings, number) {
  let server = await startServer(databaseUrl, settings);
  const guests = [];
  for (let g = 0; g < GUESTS; g++) {
    const guest = Object.assign(new Guest(), { email: `r${number}g${g}-${Date.now()}@example.com`, made: [] });
    for (let a = 0; a < AVATARS; a++) {
      const name = `r${number}g${g}a${a}`;
      const { status } = await guest.call(server.url, 'roster/create', { emoji: '🦊', name });
      check(status === 200, `round ${number}: a guest's avatar was refused (${status})`);
      guest.made.push(name);
    }
    guest.copy = guestOnly(guest);
    guests.push(guest);
  }
  // The sign-ups 25 ms apart (so password hashing's line takes them all), and the kill
  // somewhere among them.
  const signUps = guests.map(async (guest, g) => {
    await sleep(g * 25);
    guest.answered = await upgrade(server.url, guest, guest.email).catch(() => undefined);
  });
  await sleep(40 + Math.random() * GUESTS * 25);
  await server.kill9();
  await Promise.all(signUps);

  server = await startServer(databaseUrl, settings);
  let merged = 0;
  let lost = 0;
  let unanswered = 0;
  for (const guest of guests) {
    const kept = await names(server.url, guest.copy, number);
    if (guest.answered === 200) {
      merged += 1;
      check(!kept.length, `round ${number}: the guest still holds ${kept.length} avatars after its acknowledged sign-up`);
    } else {
      // No answer, or one refused before the kill: all still the guest's, or all moved
      // by a merge whose answer was lost. Never some of each.
      check(kept.length === 0 || kept.join() === guest.made.join(), `round ${number}: half a merge: the guest holds ${kept.join()}`);
      if (guest.answered === undefined) lost += 1;
      if (!kept.length) unanswered += 1;
      const status = await upgrade(server.url, guest, guest.email);
      check(status === 200, `round ${number}: the retry was answered ${status}`);
    }
    const member = await names(server.url, guest, number);
    check(member.join() === guest.made.join(), `round ${number}: the member holds ${member.join()} of ${guest.made.join()}`);
    check(!(await names(server.url, guest.copy, number)).length, `round ${number}: the guest kept avatars after the merge`);
  }
  await server.stop();
  return { merged, lost, unanswered };
}

/** `rounds` rounds on `databaseUrl`; prints each. */
export async function killDuringMerges(label, databaseUrl, rounds) {
  const settings = { MAIL_OUTBOX: join(mkdtempSync(join(tmpdir(), 'guestroom-outbox-')), 'outbox') };
  for (let n = 1; n <= rounds; n++) {
    const { merged, lost, unanswered } = await round(databaseUrl, settings, n);
    console.log(`kill -9 during merges, ${label}, round ${n}/${rounds}: ${merged} of ${GUESTS} sign-ups answered before the kill, ${lost} cut off by it (${unanswered} of those had merged); every guest's ${AVATARS} avatars in exactly one owner after a retry, merged once`);
  }
}
