// The emoji picker as a person browses it: categories, a search by keyword with prefix
// matches first, the recently used, and closing when the focus or a click goes elsewhere.
// (Choosing from the keyboard: roster.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, openGuest, row, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();

const NEW = 'Choose an emoji for the new avatar';

/** The names of the emoji the open picker shows, once it shows some. */
async function shown(page) {
  await page.getByRole('option').first().waitFor();
  return page.getByRole('option').evaluateAll((options) => options.map((o) => o.getAttribute('aria-label')));
}

const pressed = (page) => page.locator('.emoji-groups [aria-pressed=true]').getAttribute('aria-label');

test('the picker opens on a whole category, and another category is a click away', async () => {
  const { context, page } = await openGuest(env);
  await page.getByRole('button', { name: NEW }).click();
  assert.equal(await pressed(page), 'Smileys and emotion');
  const smileys = await shown(page);
  assert.equal(smileys[0], 'grinning face');
  assert.ok(smileys.length > 100, `${smileys.length} smileys`);
  // The search box keeps the focus through a click on a category.
  await page.getByRole('button', { name: 'Animals and nature' }).click();
  await page.getByRole('option', { name: 'monkey face' }).waitFor();
  assert.equal(await pressed(page), 'Animals and nature');
  assert.equal(await page.getByRole('listbox').getAttribute('aria-label'), 'Animals and nature');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'combobox');
  // The whole category, scrollable: its last emoji is there too.
  const animals = await shown(page);
  assert.ok(animals.length > 100, `${animals.length} animals`);
  await page.getByRole('option').last().scrollIntoViewIfNeeded();
  assert.ok(await page.getByRole('option').last().isVisible());
  await context.close();
});

test('a search finds emoji by keyword, prefix matches first, never the middle of a word', async () => {
  const { context, page } = await openGuest(env);
  await page.getByRole('button', { name: NEW }).click();
  const search = page.getByRole('combobox', { name: 'Search emoji by name' });
  await search.fill('smile');
  await page.getByRole('option', { name: 'slightly smiling face' }).waitFor();
  await page.getByRole('option', { name: 'smiling face with smiling eyes' }).waitFor();
  assert.equal(await page.getByRole('listbox').getAttribute('aria-label'), 'Matching emoji');
  // No category is pressed while a search shows.
  assert.equal(await page.locator('.emoji-groups [aria-pressed=true]').count(), 0);
  await search.fill('cat');
  await page.getByRole('option', { name: 'cat face' }).waitFor();
  const cats = await shown(page);
  assert.equal(cats[0], 'cat');
  for (const stray of ['identification card', 'multiplication sign', 'Japanese “application” button']) {
    assert.ok(!cats.includes(stray), `${stray} in ${cats}`);
  }
  await context.close();
});

test('Tab and a click elsewhere close the picker; Shift+Tab reaches the categories', async () => {
  const { context, page } = await openGuest(env);
  const choose = page.getByRole('button', { name: NEW });
  await choose.click();
  await page.getByRole('combobox').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.getByRole('combobox').count(), 0);
  assert.equal(await choose.getAttribute('aria-expanded'), 'false');

  await choose.click();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Flags');
  assert.equal(await page.getByRole('combobox').count(), 1);
  await page.keyboard.press('Enter');
  await page.getByRole('option', { name: 'chequered flag' }).waitFor();

  // A click on the panel's background keeps it; one outside closes it.
  await page.locator('.emoji-panel').click({ position: { x: 4, y: 4 } });
  assert.equal(await page.getByRole('combobox').count(), 1);
  await page.getByRole('heading', { level: 1 }).click();
  assert.equal(await page.getByRole('combobox').count(), 0);
  await context.close();
});

test('the recently used open the picker next time; each picker is named for its avatar', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐱', 'Ada');
  await page.getByRole('button', { name: NEW }).click();
  await page.getByRole('combobox').fill('panda');
  await page.getByRole('option', { name: 'panda' }).waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: NEW }).click();
  assert.equal(await pressed(page), 'Recently used');
  assert.deepEqual(await shown(page), ['panda']);
  await page.keyboard.press('Escape');

  // The edit form's picker names whose emoji it chooses, and shares the recently used.
  await row(page, 'Ada').getByText('Edit').click();
  await page.getByRole('button', { name: 'Choose an emoji for Ada' }).click();
  assert.deepEqual(await shown(page), ['panda']);
  await context.close();
});
