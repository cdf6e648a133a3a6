// One guest cookie in two browsers (a copied token, a second device), and one of them
// becomes a member: the account and its avatars are that browser's alone. The other sees
// none of them; its first change is refused with the way on ("Reload the page to go on"),
// and after the reload it is a new, empty guest whose changes work. With JavaScript on
// and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, names, openGuest, signUp, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

/** An address no other run uses. */
const newEmail = (who) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;

test('a copy of a guest cookie does not follow the guest into its account', async () => {
  const owner = await openGuest(env);
  await add(owner.page, '🐱', 'Tom');
  const copy = await env.browser.newContext();
  await copy.addCookies(await owner.context.cookies());
  const page = await copy.newPage();
  await page.goto(env.server.url);
  await waitForHydration(page);
  assert.deepEqual(await names(page), ['Tom'], 'one guest, two browsers');

  await signUp(owner.page, newEmail('tom'));
  await page.reload();
  await waitForHydration(page);
  assert.deepEqual(await names(page), [], 'the copy sees nothing of the account');
  await page.getByLabel('Emoji', { exact: true }).first().fill('🦉');
  await page.getByLabel('Name', { exact: true }).first().fill('Owl');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.locator('form.add [role=alert]', { hasText: "This guest's avatars have moved into an account. Reload the page to go on." }).waitFor();

  await page.reload();
  await waitForHydration(page);
  await add(page, '🦉', 'Owl');
  assert.deepEqual(await names(page), ['Owl']);
  await owner.page.reload();
  assert.deepEqual(await names(owner.page), ['Tom'], "the member's roster is untouched");
  await copy.close();
  await owner.context.close();
});

test('without JavaScript, the copy is refused once with the way on and then goes on as a new guest', async () => {
  const owner = await openGuest(env, { javaScriptEnabled: false });
  await addPlain(owner.page, '🐱', 'Tom');
  const copy = await env.browser.newContext({ javaScriptEnabled: false });
  await copy.addCookies(await owner.context.cookies());
  const page = await copy.newPage();
  await page.goto(env.server.url);
  assert.deepEqual(await names(page), ['Tom'], 'one guest, two browsers');

  await signUp(owner.page, newEmail('tom'));
  await page.goto(env.server.url);
  assert.deepEqual(await names(page), [], 'the copy sees nothing of the account');
  await addPlain(page, '🦉', 'Owl');
  await page.getByText("This guest's avatars have moved into an account. Reload the page to go on.").first().waitFor();
  await addPlain(page, '🦉', 'Owl');
  assert.deepEqual(await names(page), ['Owl'], 'a new guest, whose changes work');
  await owner.page.goto(env.server.url);
  assert.deepEqual(await names(owner.page), ['Tom'], "the member's roster is untouched");
  await copy.close();
  await owner.context.close();
});

/** Adds an avatar through the plain form (JavaScript off). */
async function addPlain(page, emoji, name) {
  await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.waitForLoadState();
}
