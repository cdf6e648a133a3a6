// One guest cookie in two browsers (a copied token, a second device), and one of them
// becomes a member: the account and its avatars are that browser's alone. A copy that
// loads the page afterwards is a new, empty guest from that page on; a copy with the page
// still open sees its first change refused with the way on ("Reload the page to go on"),
// and after the reload it is a new, empty guest whose changes work. With JavaScript on
// and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, addWithoutScript, names, openGuest, signUp, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

/** An address no other run uses. */
const newEmail = (who) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;

/** A second browser holding the cookies of `owner`'s, on the page. */
async function copyOf(owner, options = {}) {
  const context = await env.browser.newContext(options);
  await context.addCookies(await owner.context.cookies());
  const page = await context.newPage();
  await page.goto(env.server.url);
  if (options.javaScriptEnabled !== false) await waitForHydration(page);
  return { context, page };
}

test('a copy with the page open is refused once with the way on, then goes on as a new guest', async () => {
  const owner = await openGuest(env);
  await add(owner.page, '🐱', 'Tom');
  const { context, page } = await copyOf(owner);
  assert.deepEqual(await names(page), ['Tom'], 'one guest, two browsers');

  await signUp(owner.page, newEmail('tom'));
  await page.getByLabel('Emoji', { exact: true }).first().fill('🦉');
  await page.getByLabel('Name', { exact: true }).first().fill('Owl');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.locator('form.add [role=alert]', { hasText: "This guest's avatars have moved into an account. Reload the page to go on." }).waitFor();

  await page.reload();
  await waitForHydration(page);
  assert.deepEqual(await names(page), [], 'the copy sees nothing of the account');
  await add(page, '🦉', 'Owl');
  assert.deepEqual(await names(page), ['Owl']);
  await owner.page.reload();
  assert.deepEqual(await names(owner.page), ['Tom'], "the member's roster is untouched");
  await context.close();
  await owner.context.close();
});

test('without JavaScript, a copy that loads the page after the upgrade is a new guest at once', async () => {
  const owner = await openGuest(env, { javaScriptEnabled: false });
  await addWithoutScript(owner.page, '🐱', 'Tom');
  const { context, page } = await copyOf(owner, { javaScriptEnabled: false });
  assert.deepEqual(await names(page), ['Tom'], 'one guest, two browsers');

  await signUp(owner.page, newEmail('tom'));
  await page.goto(env.server.url);
  assert.deepEqual(await names(page), [], 'the copy sees nothing of the account');
  await addWithoutScript(page, '🦉', 'Owl');
  assert.deepEqual(await names(page), ['Owl'], 'a new guest, whose changes work at once');
  await owner.page.goto(env.server.url);
  assert.deepEqual(await names(owner.page), ['Tom'], "the member's roster is untouched");
  await context.close();
  await owner.context.close();
});
