// How long a guest's avatars are kept, said on the page: for a guest with avatars, in
// words, with the way to keep them for good; never for a guest with none, nor for a
// member. With JavaScript on (the first avatar added in the browser brings the note, the
// last one deleted takes it away) and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, openGuest, signUp, useServerAndBrowser } from '../support.mjs';

// A month (the least the setting takes), so the test shows the figure is the setting's.
const env = useServerAndBrowser({ GUEST_RETENTION_DAYS: '31' });
const NOTE = "Your avatars are kept in this browser for 31 days after your last visit, and each visit starts the 31 days again. Create an account to keep them for good: clearing this browser's cookies loses them. Continue on another device with a short code.";

/** An address no other run uses. */
const newEmail = (who) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;

test('a guest with avatars is told how long they are kept; the note comes and goes with them (JavaScript on)', async () => {
  const { context, page } = await openGuest(env);
  const note = page.locator('.kept-for');
  assert.equal(await note.isVisible(), false, 'nothing to keep yet');
  await add(page, '🦊', 'Fox');
  await note.waitFor({ state: 'visible' });
  assert.equal((await note.textContent()).replace(/\s+/g, ' ').trim(), NOTE);
  await note.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL(`${env.server.url}/signup`);
  await page.goto(env.server.url);
  await page.getByRole('button', { name: 'Delete Fox' }).click();
  await note.waitFor({ state: 'hidden' });
  await context.close();
});

test('without JavaScript the note is on the page for a guest with avatars, and a member gets none', async () => {
  const { context, page } = await openGuest(env, { javaScriptEnabled: false });
  const note = page.locator('.kept-for');
  assert.equal(await note.isVisible(), false);
  await page.getByLabel('Emoji', { exact: true }).first().fill('🦉');
  await page.getByLabel('Name', { exact: true }).first().fill('Owl');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.waitForLoadState();
  await note.waitFor({ state: 'visible' });
  assert.equal((await note.textContent()).replace(/\s+/g, ' ').trim(), NOTE);
  await signUp(page, newEmail('owl'));

  assert.equal(await note.count(), 0, "a member's avatars are kept for good");
  await context.close();
});
