import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, names, openGuest, row, settled, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

/** Reloads and returns the names, to prove a change reached the database. */
async function namesAfterReload(page) {
  await settled(page);
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
  await settled(page);
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
  await page.locator('.avatar.gone', { hasText: 'Thomas' }).waitFor();
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
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
  // The keyboard lands on the field at fault (its error is its description).
  await page.waitForFunction(() => document.activeElement?.id === 'new-name');
  assert.deepEqual(await namesAfterReload(page), []);
  await context.close();
});

test('with JavaScript off, adding, toggling, deleting and its undo work as plain form posts', async () => {
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
  // Back at the row the post was about, not the top of the page.
  assert.match(page.url(), /\/#avatar-[0-9a-f-]+$/);

  await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Delete Hedwig' }).click()]);
  await page.getByText('No avatars yet').waitFor();
  // The delete offers its Undo, focused.
  await page.locator('#undo').getByText('Deleted Hedwig.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Undo');
  await Promise.all([page.waitForLoadState(), page.keyboard.press('Enter')]);
  await row(page, 'Hedwig').waitFor();
  assert.equal(await row(page, 'Hedwig').getByRole('button', { name: 'Active' }).getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator('#undo').count(), 0);
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

test('the emoji picker finds emoji by name and works from the keyboard', async () => {
  const { context, page } = await openGuest(env);
  const emojiField = page.getByLabel('Emoji', { exact: true }).first();
  const choose = page.getByRole('button', { name: 'Choose an emoji for the new avatar' }).first();
  await choose.click();
  // The first opening loads the picker's module: it opens once that has come.
  await page.getByRole('combobox', { name: 'Search emoji by name' }).waitFor();
  assert.equal(await choose.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.locator(`#${await choose.getAttribute('aria-controls')}`).count(), 1);
  const search = page.getByRole('combobox', { name: 'Search emoji by name' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'combobox');
  await search.fill('party');
  await page.getByRole('option', { name: 'party popper' }).waitFor();
  assert.equal(await page.getByRole('option').first().getAttribute('aria-selected'), 'true');

  // Arrow keys move the highlight (announced through aria-activedescendant); Enter picks.
  await search.press('ArrowRight');
  const second = page.getByRole('option').nth(1);
  assert.equal(await second.getAttribute('aria-selected'), 'true');
  assert.equal(await search.getAttribute('aria-activedescendant'), await second.getAttribute('id'));
  const chosen = await second.textContent();
  await search.press('Enter');
  assert.equal(await emojiField.inputValue(), chosen);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'new-emoji');
  assert.equal(await page.getByRole('combobox').count(), 0);

  // Nothing by that name says so; Escape closes and returns focus to the button.
  await page.getByRole('button', { name: 'Choose an emoji for the new avatar' }).first().click();
  await search.fill('qqqzzz');
  await page.getByText('No emoji by that name.').waitFor();
  await search.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Choose an emoji for the new avatar');
  assert.equal(await emojiField.inputValue(), chosen);

  await page.getByLabel('Name', { exact: true }).first().fill('Party');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await row(page, 'Party').waitFor();
  assert.equal(await row(page, 'Party').locator('.avatar-emoji').textContent(), chosen);
  await context.close();
});
