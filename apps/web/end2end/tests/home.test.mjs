import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, waitForHydration } from '../support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the home page arrives rendered and becomes interactive once hydrated', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));

  const response = await page.goto(server.url);
  assert.equal(response.status(), 200);
  // Server-rendered: the heading is in the HTML before any script runs.
  assert.match(await response.text(), /<h1>Guestroom<\/h1>/);

  await waitForHydration(page);
  const wave = page.getByRole('button', { name: /wave/i });
  await wave.click();
  await wave.click();
  await page.getByText('You waved 2 times.').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the wave button works from the keyboard', async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await waitForHydration(page);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), '👋 Wave');
  await page.keyboard.press('Enter');
  await page.getByText('You waved once.').waitFor();
  await page.close();
});

test('the page follows the system colour scheme', async () => {
  const colours = {};
  for (const colorScheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(server.url);
    colours[colorScheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await context.close();
  }
  assert.notEqual(colours.light, colours.dark);
});
