import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

const names = (page) => page.locator('.avatar-name').allTextContents();
const row = (page, name) => page.locator('.avatar', { has: page.locator('.avatar-name', { hasText: name }) });

async function add(page, emoji, name) {
  await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await row(page, name).waitFor();
}

/** Reloads and returns the names, to prove a change reached the database. */
async function namesAfterReload(page) {
  await page.reload();
  return names(page);
}

test('add, edit, toggle, reorder, delete and undo each survive a reload and show in a second tab', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url);
  await waitForHydration(page);

  await add(page, '🐱', 'Tom');
  await add(page, '🐶', 'Rex');
  assert.deepEqual(await namesAfterReload(page), ['Tom', 'Rex']);
  await waitForHydration(page);

  // Edit.
  await row(page, 'Tom').getByText('Edit').click();
  await row(page, 'Tom').getByLabel('Name').fill('Thomas');
  await row(page, 'Tom').getByRole('button', { name: 'Save' }).click();
  await row(page, 'Thomas').waitFor();
  assert.deepEqual(await namesAfterReload(page), ['Thomas', 'Rex']);
  await waitForHydration(page);

  // Toggle.
  const active = row(page, 'Rex').getByRole('button', { name: 'Active' });
  assert.equal(await active.getAttribute('aria-pressed'), 'true');
  await active.click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.avatar')].some((li) => li.textContent.includes('Rex') && li.classList.contains('inactive')),
  );
  await page.reload();
  assert.equal(await row(page, 'Rex').getByRole('button', { name: 'Active' }).getAttribute('aria-pressed'), 'false');
  await waitForHydration(page);

  // Reorder.
  await page.getByRole('button', { name: 'Move Rex up' }).click();
  await page.waitForFunction(() => document.querySelector('.avatar-name')?.textContent === 'Rex');
  assert.deepEqual(await namesAfterReload(page), ['Rex', 'Thomas']);
  await waitForHydration(page);

  // Delete, then undo.
  await page.getByRole('button', { name: 'Delete Thomas' }).click();
  await page.getByRole('status').getByText('Deleted Thomas.').waitFor();
  await page.waitForFunction(() => ![...document.querySelectorAll('.avatar-name')].some((n) => n.textContent === 'Thomas'));
  await page.getByRole('button', { name: 'Undo' }).click();
  await row(page, 'Thomas').waitFor();
  assert.deepEqual(await namesAfterReload(page), ['Rex', 'Thomas']);

  // A second tab of the same browser sees the same roster.
  const tab = await context.newPage();
  await tab.goto(env.server.url);
  assert.deepEqual(await names(tab), ['Rex', 'Thomas']);

  // Another browser is another guest, and sees none of it.
  const stranger = await env.browser.newContext();
  const other = await stranger.newPage();
  await other.goto(env.server.url);
  assert.deepEqual(await names(other), []);
  await other.getByText('No avatars yet').waitFor();

  await stranger.close();
  await context.close();
});

test('an invalid name shows the error next to the field, keeps the input and stores nothing', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url);
  await waitForHydration(page);
  await page.getByLabel('Emoji', { exact: true }).fill('🐱');
  await page.getByLabel('Name', { exact: true }).fill('x'.repeat(41));
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.locator('#new-name-error').getByText('Name can be at most 40 characters long.').waitFor();
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'x'.repeat(41));
  assert.equal(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await namesAfterReload(page), []);
  await context.close();
});

test('with JavaScript off, adding, toggling and deleting work as plain form posts', async () => {
  const context = await env.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(env.server.url);

  await page.getByLabel('Emoji', { exact: true }).fill('🦉');
  await page.getByLabel('Name', { exact: true }).fill('Hedwig');
  await Promise.all([page.waitForURL(env.server.url + '/'), page.getByRole('button', { name: 'Add avatar' }).click()]);
  assert.deepEqual(await names(page), ['Hedwig']);

  await Promise.all([page.waitForLoadState(), row(page, 'Hedwig').getByRole('button', { name: 'Active' }).click()]);
  await page.waitForSelector('.avatar.inactive');
  assert.equal(await row(page, 'Hedwig').getByRole('button', { name: 'Active' }).getAttribute('aria-pressed'), 'false');

  await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Delete Hedwig' }).click()]);
  await page.getByText('No avatars yet').waitFor();

  // A rejected post comes back with the error on the page.
  await page.getByLabel('Emoji', { exact: true }).fill('not an emoji');
  await page.getByLabel('Name', { exact: true }).fill('Nobody');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.getByText('That is not an emoji we know.').waitFor();
  assert.deepEqual(await names(page), []);
  await context.close();
});
