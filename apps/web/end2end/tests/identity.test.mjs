import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

/** The short tag of the guest the header shows (`data-guest`). */
const guestLine = (page) => page.locator('.identity').getAttribute('data-guest');

test('a first visit makes the visitor a guest with an HttpOnly __Host- cookie and nothing in web storage', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url);
  await waitForHydration(page);

  const cookies = await context.cookies();
  assert.equal(cookies.length, 1);
  const [guest] = cookies;
  assert.equal(guest.name, '__Host-guest');
  assert.equal(guest.httpOnly, true);
  assert.equal(guest.secure, true);
  assert.equal(guest.sameSite, 'Lax');
  assert.equal(guest.path, '/');

  const seenByScript = await page.evaluate(() => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
  }));
  assert.deepEqual(seenByScript, { cookie: '', local: 0, session: 0 });
  assert.match(await guestLine(page), /^[0-9a-f]{8}$/);
  await context.close();
});

test('the guest survives a reload and a new tab, and another browser is another guest', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.server.url);
  const first = await guestLine(page);

  await page.reload();
  assert.equal(await guestLine(page), first);

  const tab = await context.newPage();
  await tab.goto(env.server.url);
  assert.equal(await guestLine(tab), first);

  const stranger = await env.browser.newContext();
  const other = await stranger.newPage();
  await other.goto(env.server.url);
  assert.notEqual(await guestLine(other), first);

  await stranger.close();
  await context.close();
});

test('a forged guest cookie is replaced by a new guest, not an error page', async () => {
  const context = await env.browser.newContext();
  const url = new URL(env.server.url);
  await context.addCookies([
    { name: '__Host-guest', value: 'forged.token.value', domain: url.hostname, path: '/', secure: true, httpOnly: true },
  ]);
  const page = await context.newPage();
  const response = await page.goto(env.server.url);
  assert.equal(response.status(), 200);
  assert.match(await guestLine(page), /^[0-9a-f]{8}$/);
  const [cookie] = await context.cookies();
  assert.notEqual(cookie.value, 'forged.token.value');
  await context.close();
});
