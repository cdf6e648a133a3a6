import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, openGuest, row, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

test('the page arrives rendered and hydrates without errors', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));

  const response = await page.goto(env.server.url);
  assert.equal(response.status(), 200);
  // Server-rendered: the heading and the form are in the HTML before any script runs.
  const html = await response.text();
  assert.match(html, /Your avatars<\/h1>/);
  assert.match(html, /No avatars yet/);

  await waitForHydration(page);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the add form is reachable from the keyboard', async () => {
  const page = await env.browser.newPage();
  await page.goto(env.server.url);
  await waitForHydration(page);
  // The brand link and the header's two account links first, then the emoji field.
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'new-emoji');
  await page.keyboard.type('🐱');
  // Past the emoji picker's button to the name.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Choose an emoji for the new avatar');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'new-name');
  await page.keyboard.type('Keyboard cat');
  await page.keyboard.press('Enter');
  await page.locator('.avatar-name').getByText('Keyboard cat').waitFor();
  await page.close();
});

test('the page follows the system colour scheme', async () => {
  const colours = {};
  for (const colorScheme of ['light', 'dark']) {
    const context = await env.browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(env.server.url);
    colours[colorScheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await context.close();
  }
  assert.notEqual(colours.light, colours.dark);
});

test('at phone width a row keeps its controls together on one line', async () => {
  const { context, page } = await openGuest(env, { viewport: { width: 390, height: 740 } });
  await add(page, '🦊', 'A fox with a rather long name');
  const top = async (label) => (await row(page, 'A fox').getByRole('button', { name: label }).boundingBox()).y;
  const name = 'A fox with a rather long name';
  const tops = await Promise.all(
    ['Active', `Move ${name} up`, `Move ${name} down`, `Delete ${name}`].map(top),
  );
  assert.ok(tops.every((y) => y === tops[0]), `controls on different lines: ${tops}`);
  await context.close();
});
