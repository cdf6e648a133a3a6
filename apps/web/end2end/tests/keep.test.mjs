// A guest signs in to an account with no room for all of its avatars (the cap is 100):
// nothing is dropped and the roster does not grow past the cap. The sign-in leads to a
// page listing both sets; the member unchecks what goes, and the rest comes along, once.
// Until then the guest's avatars stay the guest's: a sign-out gives them back. With
// JavaScript on and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, add, addWithoutScript, axeViolations, names, openGuest, pageNotice, signIn, signUp, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();

const newEmail = (who) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;

/** Ada's account with 99 avatars (Owl 0 … Owl 98), made in a browser of its own. */
async function fullAccount() {
  const email = newEmail('ada');
  const { context, page } = await openGuest(env);
  await signUp(page, email);
  for (let at = 0; at < 99; at += 1) {
    const made = await page.request.post(new URL('/api/roster/create', env.server.url).href, {
      form: { emoji: '🦉', name: `Owl ${at}` },
      headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(made.status(), 200, await made.text());
  }
  await context.close();
  return email;
}

/** A guest with Tom and Rex (through the plain form when JavaScript is off). */
async function guestWithTwo(javaScriptEnabled) {
  const guest = await openGuest(env, { javaScriptEnabled });
  for (const name of ['Tom', 'Rex']) {
    await (javaScriptEnabled ? add : addWithoutScript)(guest.page, '🐱', name);
  }
  return guest;
}

const WAITING = 'You are signed in. Your account has no room for all of the 2 avatars you made before signing in: choose what to keep.';

for (const javaScriptEnabled of [true, false]) {
  const js = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

  test(`${js}: a full account's sign-in leads to the choice, which never passes the cap and brings the rest once`, async () => {
    const email = await fullAccount();
    const { context, page } = await guestWithTwo(javaScriptEnabled);
    await signIn(page, email);
    await pageNotice(page, WAITING);
    assert.equal(new URL(page.url()).pathname, '/keep');
    const boxes = page.getByRole('checkbox');
    assert.equal(await boxes.count(), 101);
    assert.equal(await page.locator('.keep-set:has(legend:text("Made before you signed in (2)")) input:checked').count(), 2);

    // Everything checked is one too many: said at the form, nothing changed.
    await page.getByRole('button', { name: 'Keep the checked avatars' }).click();
    await page.locator('.keep [role=alert]', { hasText: 'You can keep at most 100 avatars.' }).waitFor();
    assert.equal(await page.getByRole('checkbox').count(), 101, 'the choice is there again');
    // axe runs as a script: only where the page runs scripts.
    if (javaScriptEnabled) assert.deepEqual(await axeViolations(page), [], '/keep, refused');

    await page.getByRole('checkbox', { name: '🦉 Owl 0', exact: true }).uncheck();
    await page.getByRole('button', { name: 'Keep the checked avatars' }).click();
    await pageNotice(page, 'Done: 2 avatars came along and 1 was deleted.');
    const kept = await names(page);
    assert.equal(kept.length, 100);
    assert.deepEqual([kept[0], ...kept.slice(98)], ['Owl 1', 'Tom', 'Rex']);
    assert.equal(await page.locator('.waiting').count(), 0, 'nothing waits any more');
    await context.close();
  });

  test(`${js}: until the choice, the roster page says what waits, and a sign-out gives the guest its avatars back`, async () => {
    const email = await fullAccount();
    const { context, page } = await guestWithTwo(javaScriptEnabled);
    await signIn(page, email);
    await pageNotice(page, WAITING);
    await page.goto(env.server.url);
    const note = page.locator('.waiting');
    await note.waitFor();
    assert.match(await note.textContent(), /^2 avatars you made before signing in did not come along/);
    assert.equal((await names(page)).length, 99, "the account's own");
    if (javaScriptEnabled) assert.deepEqual(await axeViolations(page), [], 'the roster page with its note');
    await note.getByRole('link', { name: 'Choose what to keep' }).click();
    assert.equal(await page.getByRole('checkbox').count(), 101);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(env.server.url + '/');
    assert.deepEqual(await names(page), ['Tom', 'Rex'], "the guest's, as before the sign-in");
    // Signing in again still finds no room, and the choice is offered again.
    await signIn(page, email, PASSWORD);
    await pageNotice(page, WAITING);
    await context.close();
  });
}
