// Leaving the roster while a change is on its way loses nothing: a link followed or a
// form sent waits for the change's answer, and a change that failed keeps the person on
// the page, with the reason shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cameAlong, names, openGuest, pageNotice, PASSWORD, row, settled, signIn, signUp, useServerAndBrowser,
  waitForHydration,
} from '../support.mjs';

const env = useServerAndBrowser();

/** Holds every request to `path` until the returned function is called. */
async function holdBack(page, path) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route(`**${path}`, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

/** Adds an avatar without waiting for the server's answer. */
async function startAdding(page, emoji, name) {
  const form = page.locator('form.add');
  await form.getByLabel('Emoji', { exact: true }).fill(emoji);
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByRole('button', { name: 'Add avatar' }).click();
  await row(page, name).waitFor();
}

test('a link followed while an add is on its way waits for it, and the avatar comes along', async () => {
  const { context, page } = await openGuest(env);
  const release = await holdBack(page, '/api/roster/create');
  await startAdding(page, '🦉', 'Owl');
  await page.getByRole('link', { name: 'Create account' }).click();
  await page.waitForTimeout(300);
  assert.equal(new URL(page.url()).pathname, '/', 'held while the add is on its way');
  release();
  await page.waitForURL('**/signup');
  await page.getByLabel('Email').fill(`leaving-${process.pid}@example.com`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await cameAlong(page, 1);
  await row(page, 'Owl').waitFor();
  await context.close();
});

test("the roster's own forms are not held: a second add while the first is on its way is made once", async () => {
  const { context, page } = await openGuest(env);
  const release = await holdBack(page, '/api/roster/create');
  await startAdding(page, '🦉', 'Owl');
  await startAdding(page, '🐼', 'Pan');
  release();
  await settled(page);
  // (Both were held, so either may land first.)
  assert.deepEqual((await names(page)).sort(), ['Owl', 'Pan']);
  assert.equal(await page.locator('form.add [aria-invalid=true]').count(), 0, 'no empty add sent again');
  await page.reload();
  assert.deepEqual((await names(page)).sort(), ['Owl', 'Pan']);
  await context.close();
});

test('a form sent while a delete is on its way is sent once the delete has its answer', async () => {
  const { context, page } = await openGuest(env);
  await startAdding(page, '🐢', 'Shell');
  await settled(page);
  await signUp(page, `leaving-form-${process.pid}@example.com`);
  // The page after the sign-up must run its script: the delete below is the island's.
  await waitForHydration(page);
  await row(page, 'Shell').waitFor();
  const release = await holdBack(page, '/api/roster/delete');
  await page.getByRole('button', { name: 'Delete Shell' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.avatar.gone').count(), 1, 'held while the delete is on its way');
  release();
  await pageNotice(page, /^You are signed out\./);
  // The delete was made before the sign-out: signed in again, the account has no avatar.
  await signIn(page, `leaving-form-${process.pid}@example.com`);
  await cameAlong(page, 0);
  await page.getByText('No avatars yet').waitFor();
  await context.close();
});

test('when the change on its way fails, the page stays and says why', async () => {
  const { context, page } = await openGuest(env);
  let refuse;
  const refused = new Promise((resolve) => { refuse = resolve; });
  await page.route('**/api/roster/create', async (route) => {
    await refused;
    await route.fulfill({ status: 409, contentType: 'application/json', body: '"conflict/avatar_limit/3"' });
  });
  await startAdding(page, '🐸', 'Frog');
  await page.getByRole('link', { name: 'Create account' }).click();
  refuse();
  await page.locator('form.add [role=alert]', { hasText: 'You can keep at most 3 avatars.' }).waitFor();
  await settled(page);
  await page.waitForTimeout(300);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Frog');
  await context.close();
});
