// Three instances on one PostgreSQL database, every request to the next one in turn: a
// guest's journey and a member's sign-up, sign-in, merge and sign-out work across them,
// and no write is lost.

import { Guest, check, startServer } from './lib.mjs';

const PASSWORD = 'three instances, one roster';

/** Runs the journey and `writes` concurrent writes on three servers of `databaseUrl`. */
export async function threeInstances(databaseUrl, writes) {
  const servers = [];
  for (let i = 0; i < 3; i++) servers.push(await startServer(databaseUrl));
  let turn = 0;
  const next = () => servers[turn++ % servers.length].url;
  const names = async (guest) => {
    const { status, body } = await guest.call(next(), 'roster/list');
    check(status === 200, `list: ${status}`);
    return body.map((avatar) => avatar.name);
  };
  const ok = async (guest, fn, form) => {
    const { status, body } = await guest.call(next(), fn, form);
    check(status === 200, `${fn}: ${status} ${JSON.stringify(body)}`);
    return body;
  };

  // A guest, then a member: every step on the next instance.
  const visitor = new Guest();
  for (const name of ['Ada', 'Brian', 'Cleo']) await ok(visitor, 'roster/create', { emoji: '🦊', name });
  check((await names(visitor)).join() === 'Ada,Brian,Cleo', 'the guest sees its roster on every instance');
  const email = `member-${Date.now()}@example.com`;
  await ok(visitor, 'account/sign-up', { email, password: PASSWORD, display_name: '' });
  check((await names(visitor)).join() === 'Ada,Brian,Cleo', 'the roster came along on sign-up');
  const copy = new Map(visitor.cookies);
  await ok(visitor, 'account/sign-out', {});
  check((await names(visitor)).length === 0, 'after sign-out: a fresh, empty guest');
  await ok(visitor, 'roster/create', { emoji: '🐙', name: 'Dora' });
  await ok(visitor, 'account/sign-in', { email, password: PASSWORD });
  check((await names(visitor)).join() === 'Ada,Brian,Cleo,Dora', 'the new guest merged on sign-in');
  const stale = Object.assign(new Guest(), { cookies: copy });
  const refused = await stale.call(next(), 'roster/create', { emoji: '🐍', name: 'Eve' });
  check(refused.status === 401, `a signed-out session's copy writes: ${refused.status}`);

  // Writers spread over the instances, each well under the 100 avatars a guest may keep:
  // every acknowledged write is there.
  const perWriter = 50;
  const writers = Array.from({ length: Math.ceil(writes / perWriter) }, () => new Guest());
  const acknowledged = new Map(writers.map((w) => [w, []]));
  await Promise.all(writers.map(async (writer, w) => {
    for (let n = 0; n < perWriter; n++) {
      const name = `w${w}n${n}`;
      const { status } = await writer.call(next(), 'roster/create', { emoji: '🦊', name });
      if (status === 200) acknowledged.get(writer).push(name);
    }
  }));
  let total = 0;
  for (const writer of writers) {
    const stored = await names(writer);
    check(stored.join() === acknowledged.get(writer).join(), 'writes across instances: all there, in order');
    total += stored.length;
  }
  check(total === writers.length * perWriter, `${total} of ${writers.length * perWriter} writes acknowledged`);
  for (const server of servers) await server.stop();
  console.log(`three instances: guest journey, sign-up merge, sign-out, sign-in merge and a refused stale session across instances; ${total} writes by ${writers.length} guests round-robin, all acknowledged and all present`);
  return { writes: total };
}
