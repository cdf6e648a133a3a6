// The client cache: seeded by the server's HTML, optimistic changes that roll back on a
// refusal, retries on transient failures only, and tabs that keep each other current.
// (Changes made offline, and answers lost: offline.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, names, openGuest, row, settled, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

/** Counts the page's calls to a server function from now on. */
function countCalls(page, endpoint) {
  const counter = { calls: 0 };
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === `/api/${endpoint}`) counter.calls += 1;
  });
  return counter;
}

test('hydration takes the roster from the page: the list is not fetched again', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐱', 'Tom');
  const list = countCalls(page, 'roster/list');
  await page.reload();
  await waitForHydration(page);
  assert.deepEqual(await names(page), ['Tom']);
  // A stray fetch would keep the network busy: wait until it has been idle for a while.
  await page.waitForLoadState('networkidle');
  assert.equal(list.calls, 0);
  await context.close();
});

test('a change shows at once and is rolled back, with the error, when the server refuses it', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐱', 'Tom');

  // Hold the save on its way to the server, to look at the page in between.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/api/roster/update', async (route) => {
    await held;
    await route.continue();
  });
  const tooLong = 'x'.repeat(41);
  await row(page, 'Tom').getByText('Edit').click();
  await row(page, 'Tom').getByLabel('Name').fill(tooLong);
  await row(page, 'Tom').getByRole('button', { name: 'Save' }).click();

  // Optimistic: the new name is on the page before the server has answered.
  await row(page, tooLong).waitFor();
  release();

  // The server refuses (422): the old name is back and the error is next to the field.
  await row(page, 'Tom').waitFor();
  const field = row(page, 'Tom').getByLabel('Name');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await row(page, 'Tom').getByText('Name can be at most 40 characters long.').waitFor();
  await settled(page);
  await page.reload();
  assert.deepEqual(await names(page), ['Tom']);
  await context.close();
});

test('a transient failure is retried and the change lands', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐶', 'Rex');
  let calls = 0;
  await page.route('**/api/roster/activate', async (route) => {
    calls += 1;
    if (calls === 1) {
      await route.fulfill({ status: 503, contentType: 'application/json', body: '"unavailable"' });
    } else {
      await route.continue();
    }
  });
  await row(page, 'Rex').getByRole('button', { name: 'Active' }).click();
  await page.waitForFunction(() => document.querySelector('.avatar')?.classList.contains('inactive'));
  await settled(page);
  assert.equal(calls, 2);
  await page.reload();
  assert.equal(await row(page, 'Rex').getByRole('button', { name: 'Active' }).getAttribute('aria-pressed'), 'false');
  await context.close();
});

test('a refusal is not retried: the avatar comes back and the reason is shown', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🦊', 'Fox');
  let calls = 0;
  await page.route('**/api/roster/delete', async (route) => {
    calls += 1;
    await route.fulfill({
      status: 409,
      contentType: 'application/json',
      body: '"conflict/avatar_limit/3"',
    });
  });
  await page.getByRole('button', { name: 'Delete Fox' }).click();
  await page.getByRole('alert').getByText('You can keep at most 3 avatars.').waitFor();
  await settled(page);
  assert.deepEqual(await names(page), ['Fox']);
  assert.equal(calls, 1);
  await context.close();
});

test('a refresh that fails keeps the list on screen, says so and can be tried again', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🦉', 'Hoot');
  await page.route('**/api/roster/list', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: '"unavailable"' }),
  );
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  // After its retries (about 4 s) the refresh gives up.
  await page.getByRole('alert').getByText('Something went wrong on our side.').waitFor({ timeout: 10_000 });
  assert.deepEqual(await names(page), ['Hoot']);

  await page.unroute('**/api/roster/list');
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('alert').waitFor({ state: 'detached' });
  assert.deepEqual(await names(page), ['Hoot']);
  await context.close();
});

test('a change in one tab shows up in the other open tabs without a reload', async () => {
  const { context, page } = await openGuest(env);
  const other = await context.newPage();
  await other.goto(env.server.url);
  await waitForHydration(other);

  await add(page, '🐸', 'Kermit');
  await row(other, 'Kermit').waitFor();
  await page.getByRole('button', { name: 'Delete Kermit' }).click();
  await other.getByText('No avatars yet').waitFor();
  await context.close();
});

test('the roster is fetched again when the window regains focus', async () => {
  const { context, page } = await openGuest(env);
  // A change this tab was not told about (made by a request outside the page).
  const response = await context.request.post(`${env.server.url}/api/roster/create`, {
    form: { emoji: '🐢', name: 'Shelly' },
    headers: { 'sec-fetch-site': 'same-origin', accept: 'application/json' },
  });
  assert.equal(response.status(), 200);
  assert.deepEqual(await names(page), []);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await row(page, 'Shelly').waitFor();
  await context.close();
});

test('a tab told that another identity now holds the browser drops its cache and reloads', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐝', 'Bea');
  const other = await context.newPage();
  await other.goto(env.server.url);
  await Promise.all([
    page.waitForEvent('load'),
    other.evaluate(() => new BroadcastChannel('guestroom').postMessage('another-identity')),
  ]);
  await waitForHydration(page);
  assert.deepEqual(await names(page), ['Bea']);
  await context.close();
});

test('nothing is kept in web storage or IndexedDB', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐙', 'Otto');
  await row(page, 'Otto').getByRole('button', { name: 'Active' }).click();
  await settled(page);
  await page.reload();
  await waitForHydration(page);
  const stored = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    indexedDB: (await indexedDB.databases()).length,
  }));
  assert.deepEqual(stored, { local: 0, session: 0, indexedDB: 0 });
  await context.close();
});
