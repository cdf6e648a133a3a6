// Managing an account in a real browser: changing the password (this browser stays
// signed in, the other is signed out), deleting the account (with JavaScript off), the
// Show/Hide password button, and the attempt limit's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, cameAlong, names, openGuest, pageNotice, PASSWORD, signIn, signUp, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();
const NEW_PASSWORD = 'correct horse battery';
let accounts = 0;

/** A fresh email for each journey (the server is shared by the file's tests). */
const newEmail = () => `manage${(accounts += 1)}@example.com`;

/** The id of the element that has the keyboard focus. */
const focused = (page) => page.evaluate(() => document.activeElement?.id);

test('a password change keeps this browser signed in and signs the other out; Show reveals what is typed', async () => {
  const email = newEmail();
  const here = await openGuest(env);
  await add(here.page, '🦉', 'Owl');
  await signUp(here.page, email, 'Ada');
  const there = await openGuest(env);
  await signIn(there.page, email);
  await cameAlong(there.page, 0);

  const { page } = here;
  await page.getByRole('link', { name: 'Account' }).click();
  const current = page.getByLabel('Current password');
  const fresh = page.getByLabel('New password');
  await current.fill('not my password');
  await fresh.fill(NEW_PASSWORD);
  const show = page.locator('#new_password + .reveal');
  await show.click();
  assert.equal(await fresh.getAttribute('type'), 'text');
  assert.equal(await show.textContent(), 'Hide');
  await show.click();
  assert.equal(await fresh.getAttribute('type'), 'password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('That is not your current password.').waitFor();
  assert.equal(await current.getAttribute('aria-invalid'), 'true');
  assert.equal(await focused(page), 'current_password');

  await current.fill(PASSWORD);
  await fresh.fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  // Said at the top of the page, where the eye starts, not beside the form.
  await pageNotice(page, 'Your password was changed. Every other session has ended.');
  assert.equal(await page.locator('.identity .who').textContent(), 'Ada');
  await page.goto(env.server.url);
  assert.deepEqual(await names(page), ['Owl']);

  await there.page.reload();
  await there.page.getByText('Your session has ended').waitFor();
  // Only that: the sign-in's notice was said once, not again beside it.
  assert.equal(await there.page.locator('.page-notice').count(), 1);
  assert.doesNotMatch(await there.page.locator('main').textContent(), /You are signed in/);
  assert.deepEqual(await names(there.page), []);
  await signIn(there.page, email, NEW_PASSWORD);
  await cameAlong(there.page, 0);
  assert.deepEqual(await names(there.page), ['Owl']);
  await here.context.close();
  await there.context.close();
});

test('deleting the account asks for the password and leaves a new, empty guest (JavaScript off)', async () => {
  const email = newEmail();
  const { context, page } = await openGuest(env, { javaScriptEnabled: false });
  await page.getByLabel('Emoji', { exact: true }).first().fill('🐱');
  await page.getByLabel('Name', { exact: true }).first().fill('Tom');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.waitForLoadState();
  await signUp(page, email);
  assert.deepEqual(await names(page), ['Tom']);

  await page.getByRole('link', { name: 'Account' }).click();
  // It says what goes with it, and offers the download first.
  await page.getByText('Deletes your account and its avatar for good.').waitFor();
  await page.getByRole('link', { name: 'Download your data first' }).waitFor();
  // Without JavaScript the Show button is never offered.
  const show = page.locator('#delete_password + .reveal');
  assert.equal(await show.evaluate((b) => getComputedStyle(b).visibility), 'hidden');
  const password = page.locator('#delete_password');
  await password.fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Delete account' }).click();
  await page.getByText('That is not your password.').waitFor();
  assert.equal(await focused(page), 'delete_password');

  await page.locator('#delete_password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Delete account' }).click();
  await page.getByText('Your account and its avatars were deleted.').waitFor();
  assert.deepEqual(await names(page), []);
  assert.equal(await page.locator('.identity .who').textContent(), 'Guest');
  await signIn(page, email);
  await page.getByText('Wrong email or password.').waitFor();
  await context.close();
});

test('after too many sign-ins the form says when to try again, and keeps the email', async () => {
  const email = newEmail();
  const { context, page } = await openGuest(env);
  // The limit is 10 attempts per email in 15 minutes (the default).
  for (let attempt = 0; attempt < 10; attempt += 1) {
    await signIn(page, email, 'a wrong guess');
    await page.getByText('Wrong email or password.').waitFor();
  }
  await signIn(page, email, 'a wrong guess');
  const message = page.getByRole('alert').filter({ hasText: 'Too many attempts — try again in' });
  await message.waitFor();
  // When the window frees a slot: seconds when that is under a minute and a half away,
  // else minutes (never "600 seconds"; the rounding is `error::tests`').
  assert.match(await message.textContent(), /try again in (\d{1,2} seconds|\d{1,2} minutes)\./);
  assert.equal(await page.getByLabel('Email').inputValue(), email);
  await context.close();
});
