// The roster's actions as a careful person expects them: a double click acts once, every
// delete can be undone (all at once too), focus lands where the action was, one live
// region says what happened, and what the rows look like (inactive, emoji, page titles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, names, openGuest, row, settled, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();

/** The accessible name (`aria-label`, else the text) of the element with the focus. */
const focusedName = (page) =>
  page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);

/** Waits until the element with the focus is named `name`. */
async function focusIsOn(page, name) {
  await page.waitForFunction(
    (want) => (document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent) === want,
    name,
    { timeout: 5000 },
  ).catch(async () => assert.fail(`focus on "${await focusedName(page)}", not "${name}"`));
}

/** What the page's live region says, once the roster has settled. */
async function said(page) {
  await settled(page);
  return page.locator('.roster-body > [role=status]').textContent();
}

async function reloaded(page) {
  await settled(page);
  await page.reload();
  return names(page);
}

/** A guest with avatars A, B and C. */
async function threeAvatars() {
  const guest = await openGuest(env);
  for (const [emoji, name] of [['🐱', 'Ada'], ['🐶', 'Bob'], ['🦊', 'Cy']]) await add(guest.page, emoji, name);
  return guest;
}

test('a double click on Delete deletes one avatar, and Undo in the toast puts back every delete', async () => {
  const { context, page } = await threeAvatars();
  const before = await row(page, 'Bob').boundingBox();
  await page.getByRole('button', { name: 'Delete Ada' }).dblclick();
  await settled(page);
  // The deleted row keeps its place and size: Bob has not moved under the pointer.
  assert.deepEqual(await row(page, 'Bob').boundingBox(), before);
  assert.equal(await page.locator('.avatar.gone').count(), 1);
  assert.deepEqual(await names(page), ['Bob', 'Cy']);
  await page.locator('.toast').getByText('Deleted Ada.').waitFor();

  await page.getByRole('button', { name: 'Delete Cy' }).click();
  await page.locator('.toast').getByText('Deleted 2 avatars.').waitFor();
  await settled(page);
  assert.deepEqual(await names(page), ['Bob']);
  await page.locator('.toast').getByRole('button', { name: 'Undo' }).click();
  assert.equal(await said(page), '2 avatars are back.');
  assert.deepEqual(await reloaded(page), ['Ada', 'Bob', 'Cy']);
  await context.close();
});

test('an Undo pressed before the server has answered the delete waits for it and puts the avatar back', async () => {
  const { context, page } = await threeAvatars();
  // The delete's answer is held until Undo has been pressed: a quick hand on a slow network.
  let answer;
  const undone = new Promise((resolve) => { answer = resolve; });
  await page.route('**/api/roster/delete', async (route) => {
    await undone;
    await route.continue();
  });
  await page.getByRole('button', { name: 'Delete Bob' }).click();
  await page.locator('.toast').getByRole('button', { name: 'Undo' }).click();
  answer();
  assert.equal(await said(page), 'Bob is back.');
  assert.deepEqual(await names(page), ['Ada', 'Bob', 'Cy']);
  assert.deepEqual(await reloaded(page), ['Ada', 'Bob', 'Cy']);
  await context.close();
});

test('a double click on an arrow moves the avatar one place, not back again', async () => {
  const { context, page } = await threeAvatars();
  await page.getByRole('button', { name: 'Move Cy up' }).dblclick();
  await settled(page);
  assert.deepEqual(await names(page), ['Ada', 'Cy', 'Bob']);
  assert.deepEqual(await reloaded(page), ['Ada', 'Cy', 'Bob']);
  // A click after the pointer moved is taken: the guard holds only a pointer that stayed.
  await page.getByRole('button', { name: 'Move Cy up' }).hover();
  await page.getByRole('button', { name: 'Move Cy up' }).click();
  await settled(page);
  assert.deepEqual(await names(page), ['Cy', 'Ada', 'Bob']);
  await context.close();
});

test('from the keyboard, focus stays on the moved avatar, goes to Undo after a delete and back after it', async () => {
  const { context, page } = await threeAvatars();
  await page.getByRole('button', { name: 'Move Cy up' }).focus();
  await page.keyboard.press('Enter');
  await settled(page);
  await focusIsOn(page, 'Move Cy up');
  assert.equal(await said(page), 'Moved Cy to place 2 of 3.');
  await page.keyboard.press('Enter');
  await settled(page);
  // At the top "up" is disabled: focus goes to "down" of the same avatar.
  await focusIsOn(page, 'Move Cy down');
  assert.deepEqual(await names(page), ['Cy', 'Ada', 'Bob']);

  await page.getByRole('button', { name: 'Delete Ada' }).focus();
  await page.keyboard.press('Enter');
  await focusIsOn(page, 'Undo');
  assert.equal(await said(page), 'Deleted Ada.');
  // Enter again is the Undo, not a delete of the next avatar.
  await page.keyboard.press('Enter');
  await settled(page);
  await focusIsOn(page, 'Delete Ada');
  assert.equal(await said(page), 'Ada is back.');
  assert.deepEqual(await reloaded(page), ['Cy', 'Ada', 'Bob']);
  await context.close();
});

test('the live region is on the page, empty, before anything happens; the switch shows the state', async () => {
  const html = await (await fetch(env.server.url)).text();
  assert.match(html, /<p class="visually-hidden" role="status"><\/p>/);
  const { context, page } = await openGuest(env);
  await add(page, '🐼', 'Pan');
  assert.equal(await said(page), 'Added Pan.');
  const toggle = row(page, 'Pan').getByRole('button', { name: 'Active: Pan' });
  const knob = () => toggle.locator('.switch').evaluate((s) => getComputedStyle(s, '::after').left);
  const on = await knob();
  await toggle.click();
  assert.equal(await said(page), 'Pan is inactive.');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.notEqual(await knob(), on);
  // Inactive is not deleted: nothing struck through.
  const line = await row(page, 'Pan').locator('.avatar-name').evaluate((n) => getComputedStyle(n).textDecorationLine);
  assert.equal(line, 'none');
  await context.close();
});

test('the undo offer waits while the pointer is on the toast', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐵', 'Mo');
  await page.getByRole('button', { name: 'Delete Mo' }).click();
  // The delete put the focus on "Undo", which holds the offer too: moved away, so that
  // only the pointer holds it.
  await page.locator('#new-name').focus();
  await page.locator('.toast').hover();
  // Past the offer's six seconds.
  await page.waitForTimeout(6_500);
  assert.equal(await page.locator('.toast').count(), 1);
  await page.mouse.move(0, 0);
  await page.locator('.toast').waitFor({ state: 'detached', timeout: 8_000 });
  assert.equal(await page.locator('.avatar').count(), 0);
  await context.close();
});

test('emoji are drawn with an emoji font; each page has a title of its own', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐱', 'Kit');
  const font = await row(page, 'Kit').locator('.avatar-emoji').evaluate((e) => getComputedStyle(e).fontFamily);
  assert.match(font, /^"Noto Color Emoji"/);
  const titles = {};
  for (const path of ['/', '/signup', '/signin', '/account', '/nowhere']) {
    await page.goto(env.server.url + path);
    titles[path] = await page.title();
  }
  assert.deepEqual(titles, {
    '/': 'Your avatars · Guestroom',
    '/signup': 'Create your account · Guestroom',
    '/signin': 'Sign in · Guestroom',
    '/account': 'Your account · Guestroom',
    '/nowhere': 'Page not found · Guestroom',
  });
  await context.close();
});
