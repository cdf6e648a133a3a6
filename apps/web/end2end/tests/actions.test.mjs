// The roster's actions as a careful person expects them: a double click acts once, the
// active switch shows its state without looking deleted, emoji are drawn in colour, and
// every page has a title of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, names, openGuest, row, settled, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();

async function reloaded(page) {
  await settled(page);
  await page.reload();
  return names(page);
}

/** A guest with avatars Ada, Bob and Cy. */
async function threeAvatars() {
  const guest = await openGuest(env);
  for (const [emoji, name] of [['🐱', 'Ada'], ['🐶', 'Bob'], ['🦊', 'Cy']]) await add(guest.page, emoji, name);
  return guest;
}

test('a double click on Delete deletes one avatar, not the one that slid under the pointer', async () => {
  const { context, page } = await threeAvatars();
  await page.getByRole('button', { name: 'Delete Ada' }).dblclick();
  await settled(page);
  assert.deepEqual(await names(page), ['Bob', 'Cy']);
  assert.deepEqual(await reloaded(page), ['Bob', 'Cy']);
  await context.close();
});

test('a double click on an arrow moves the avatar one place, not back again', async () => {
  const { context, page } = await threeAvatars();
  await page.getByRole('button', { name: 'Move Cy up' }).dblclick();
  await settled(page);
  assert.deepEqual(await names(page), ['Ada', 'Cy', 'Bob']);
  assert.deepEqual(await reloaded(page), ['Ada', 'Cy', 'Bob']);
  // Two clicks are two moves.
  await page.getByRole('button', { name: 'Move Cy up' }).click();
  await settled(page);
  assert.deepEqual(await names(page), ['Cy', 'Ada', 'Bob']);
  await context.close();
});

test('the active switch names its avatar and shows its state; inactive is not struck through', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐼', 'Pan');
  const toggle = row(page, 'Pan').getByRole('button', { name: 'Active: Pan' });
  const knob = () => toggle.locator('.switch').evaluate((s) => getComputedStyle(s, '::after').left);
  const on = await knob();
  await toggle.click();
  await settled(page);
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await page.waitForFunction((left) => {
    const knob = document.querySelector('.avatar.inactive .switch');
    return knob && getComputedStyle(knob, '::after').left !== left;
  }, on);
  const line = await row(page, 'Pan').locator('.avatar-name').evaluate((n) => getComputedStyle(n).textDecorationLine);
  assert.equal(line, 'none');
  await context.close();
});

test('emoji are drawn with an emoji font; each page has a title of its own', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐱', 'Kit');
  for (const selector of ['.avatar-emoji', '#new-emoji']) {
    const font = await page.locator(selector).first().evaluate((e) => getComputedStyle(e).fontFamily);
    assert.match(font, /^"Noto Color Emoji"/, selector);
  }
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
