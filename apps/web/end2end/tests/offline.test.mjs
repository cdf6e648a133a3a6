// Changes made once, online or not: made offline, they wait on the page, shown as not
// saved yet, and are sent in order when the browser is back online, each once; an answer
// lost after the server made the change is followed by the same change with the same key,
// made once; changes made by a guest who signs up in another tab meanwhile land in the
// account, and those of a member who signs out in another tab are refused, with a word,
// and nothing is written for the new guest; leaving the page while changes wait asks first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, names, openGuest, row, settled, signUp, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

const WAITING = /^Not saved yet: Guestroom did not answer\. Changes waiting here: (\d+), sent when it answers again/;

/** How many changes the page says wait, once it says so. */
async function waiting(page) {
  const notice = page.locator('.retrying');
  await notice.waitFor({ timeout: 5_000 });
  return Number((await notice.textContent()).match(WAITING)?.[1]);
}

/** The roster the server holds for the browser of `context`: names and active flags. */
async function stored(context) {
  const answer = await context.request.post(`${env.server.url}/api/roster/list`, {
    headers: { 'sec-fetch-site': 'same-origin', accept: 'application/json' },
  });
  assert.equal(answer.status(), 200);
  return (await answer.json()).map((avatar) => `${avatar.name}${avatar.is_active ? '' : ' (inactive)'}`);
}

/** The roster changes this page sends from now on: their names and idempotency keys. */
function changesSent(page) {
  const sent = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/roster/') && path !== '/api/roster/list') {
      sent.push({ change: path.slice('/api/roster/'.length), key: request.headers()['idempotency-key'] });
    }
  });
  return sent;
}

/**
 * Resolves as `promise` does, or fails naming `what` after `ms`: for the waits Playwright
 * bounds with no timeout of its own (`page.evaluate`, a route's removal), which, left
 * unbounded, held a CI run until the file's limit without saying where.
 */
async function within(ms, what, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The pages whose route to the server is cut (`unreachable`), and so let through. */
const cut = new WeakSet();

/**
 * The page cannot reach the server (the rest of the browser can: another tab). The route
 * stays for the page's life and lets requests through once `reachable`: removing it
 * (`unroute`) is a round trip to the browser that the test would wait on.
 */
async function unreachable(page) {
  cut.add(page);
  await page.route('**/api/roster/**', (route) =>
    cut.has(page) ? route.abort('internetdisconnected') : route.continue(),
  );
}

/**
 * Closes the test's browser, the pages' routes first and both bounded. A CI run once hung
 * in `context.close()` after every step had passed, while a page's route handler could
 * still be at work (the page was following another tab's sign-in); the routes go first so
 * that none is, and a close that still hangs fails here within seconds, by name.
 */
async function close(context) {
  for (const page of context.pages()) {
    await within(10_000, 'the routes removed', page.unrouteAll({ behavior: 'ignoreErrors' }));
  }
  await within(10_000, 'the browser closed', context.close());
}

/** The server can be reached again; the page is told the way the browser tells it. */
async function reachable(page) {
  cut.delete(page);
  await within(10_000, 'the page told it is online', page.evaluate(() => window.dispatchEvent(new Event('online'))));
}

/** Adds an avatar through the form, without waiting for the server: it may not answer. */
async function addOffline(page, emoji, name) {
  await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await row(page, name).waitFor();
}

async function tomAndRex() {
  const guest = await openGuest(env);
  await add(guest.page, '🐱', 'Tom');
  await add(guest.page, '🐶', 'Rex');
  await settled(guest.page);
  return guest;
}

test('three changes made offline wait on the page, then are sent in order once online, each made once', async () => {
  const { context, page } = await tomAndRex();
  await context.setOffline(true);
  const sent = changesSent(page);
  await addOffline(page, '🐧', 'Pip');
  await row(page, 'Tom').getByRole('button', { name: 'Active: Tom' }).click();
  await page.getByRole('button', { name: 'Move Rex up' }).click();
  assert.equal(await waiting(page), 3);
  // Shown as they will be: the new avatar (not saved yet), Tom inactive, Rex first.
  assert.deepEqual(await names(page), ['Rex', 'Tom', 'Pip']);
  assert.equal(await row(page, 'Pip').getAttribute('class'), 'avatar pending');
  assert.equal(await row(page, 'Tom').getByRole('button', { name: 'Active: Tom' }).getAttribute('aria-pressed'), 'false');
  assert.deepEqual(await stored(context), ['Tom', 'Rex'], 'nothing reached the server');

  await context.setOffline(false);
  await settled(page);
  assert.equal(await page.locator('.retrying').count(), 0);
  assert.deepEqual(await stored(context), ['Rex', 'Tom (inactive)', 'Pip']);
  // In the order they were made, each with one key however often it was tried.
  const order = [...new Set(sent.map((s) => s.change))];
  assert.deepEqual(order, ['create', 'activate', 'move']);
  for (const change of order) {
    const keys = new Set(sent.filter((s) => s.change === change).map((s) => s.key));
    assert.equal(keys.size, 1, `${change}: one key`);
    assert.match([...keys][0], /^[0-9a-z.]{16,}$/);
  }
  await page.reload();
  assert.deepEqual(await names(page), ['Rex', 'Tom', 'Pip']);
  await context.close();
});

test('an add whose answer is lost after the server made it is sent again with its key and made once', async () => {
  const { context, page } = await openGuest(env);
  const keys = [];
  await page.route('**/api/roster/create', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) {
      // The server makes the avatar; its answer never reaches the page.
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  await add(page, '🐧', 'Pingu');
  await settled(page);
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1]);
  assert.deepEqual(await stored(context), ['Pingu']);
  assert.deepEqual(await names(page), ['Pingu']);
  await context.close();
});

test('the changes of a guest who signs up in another tab meanwhile land in the account', async () => {
  const { context, page } = await tomAndRex();
  await unreachable(page);
  await addOffline(page, '🐧', 'Pip');
  await row(page, 'Tom').getByRole('button', { name: 'Active: Tom' }).click();
  assert.equal(await waiting(page), 2);

  const other = await context.newPage();
  await other.goto(env.server.url);
  await waitForHydration(other);
  await signUp(other, 'offline-upgrade@example.com', 'Ada');

  // Sent as the guest's, made as the member's; then the tab is the member's.
  await Promise.all([page.waitForEvent('load'), reachable(page)]);
  await waitForHydration(page);
  assert.equal(await page.locator('.identity .who').textContent(), 'Ada');
  assert.deepEqual(await names(page), ['Tom', 'Rex', 'Pip']);
  assert.deepEqual(await stored(context), ['Tom (inactive)', 'Rex', 'Pip']);
  await close(context);
});

test('the changes of a member who signs out in another tab meanwhile are refused with a word, and nothing is written', async () => {
  const { context, page } = await openGuest(env);
  await signUp(page, 'offline-sign-out@example.com', 'Bea');
  await waitForHydration(page);
  await add(page, '🐝', 'Buzz');
  await settled(page);
  await unreachable(page);
  await addOffline(page, '🐧', 'Pip');
  await row(page, 'Buzz').getByRole('button', { name: 'Active: Buzz' }).click();
  assert.equal(await waiting(page), 2);

  const other = await context.newPage();
  await other.goto(env.server.url);
  await waitForHydration(other);
  await other.getByRole('button', { name: 'Sign out' }).click();
  await other.locator('.identity .who', { hasText: 'Guest' }).waitFor();

  await reachable(page);
  const refusal = page.getByRole('alert').filter({ hasText: 'Not saved: these changes were made before a sign-out or another sign-in in this browser.' });
  await refusal.waitFor();
  await settled(page);
  // Not for the new guest, and not behind the member's back either.
  assert.deepEqual(await stored(context), []);
  assert.deepEqual(await names(page), ['Buzz']);
  await Promise.all([page.waitForEvent('load'), refusal.getByRole('button', { name: 'Reload' }).click()]);
  assert.equal(await page.locator('.identity .who').textContent(), 'Guest');
  assert.deepEqual(await names(page), []);
  await signIn(other);
  // The cut page follows the sign-in in the other tab; nothing of it is left in flight.
  await page.locator('.identity .who', { hasText: 'Bea' }).waitFor();
  await row(page, 'Buzz').waitFor();
  await close(context);

  /** Bea again, in a new browser: her roster is as it was. */
  async function signIn(tab) {
    await tab.goto(new URL('/signin', env.server.url).href);
    await tab.getByLabel('Email').fill('offline-sign-out@example.com');
    await tab.getByLabel('Password').fill('staple battery horse');
    await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
    await tab.locator('.identity .who', { hasText: 'Bea' }).waitFor();
    assert.deepEqual(await names(tab), ['Buzz']);
    assert.equal(await row(tab, 'Buzz').getByRole('button', { name: 'Active: Buzz' }).getAttribute('aria-pressed'), 'true');
  }
});

test('leaving the page while changes wait asks first; staying keeps them, and they are sent', async () => {
  const { context, page } = await tomAndRex();
  await context.setOffline(true);
  await row(page, 'Rex').getByRole('button', { name: 'Active: Rex' }).click();
  assert.equal(await waiting(page), 1);
  const asked = new Promise((resolve) => {
    page.once('dialog', async (dialog) => {
      resolve(dialog.type());
      await dialog.dismiss();
    });
  });
  await page.reload({ timeout: 2_000 }).catch(() => {});
  assert.equal(await asked, 'beforeunload');
  await context.setOffline(false);
  await settled(page);
  assert.deepEqual(await stored(context), ['Tom', 'Rex (inactive)']);
  await context.close();
});
