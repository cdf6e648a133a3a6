// Accounts in a real browser: a guest's roster comes along into an account, signing out
// leaves nothing behind, and the same account elsewhere has the same roster. The pages
// are plain forms, so the journey is also run with JavaScript off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, cameAlong, names, openGuest, signIn, signUp, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();
let accounts = 0;

/** A fresh email for each journey (the server is shared by the file's tests). */
const newEmail = () => `ada${(accounts += 1)}@example.com`;

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

  test(`a guest's roster comes along into a new account, and signing out leaves nothing (${mode})`, async () => {
    const email = newEmail();
    const { context, page } = await openGuest(env, { javaScriptEnabled });
    if (javaScriptEnabled) {
      await add(page, '🐱', 'Tom');
      await add(page, '🐶', 'Rex');
    } else {
      for (const [emoji, name] of [['🐱', 'Tom'], ['🐶', 'Rex']]) {
        await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
        await page.getByLabel('Name', { exact: true }).first().fill(name);
        await page.getByRole('button', { name: 'Add avatar' }).click();
        await page.waitForLoadState();
      }
    }
    await signUp(page, email, 'Ada');
    await page.getByText('Your 2 avatars came along.').waitFor();
    assert.equal(await page.locator('.identity .who').textContent(), 'Ada');
    assert.deepEqual(await names(page), ['Tom', 'Rex']);
    const cookies = (await context.cookies()).map((c) => c.name);
    assert.deepEqual(cookies, ['__Host-session']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('No avatars yet').waitFor();
    assert.equal(await page.locator('.identity .who').textContent(), 'Guest');
    assert.deepEqual((await context.cookies()).map((c) => c.name), ['__Host-guest']);

    // Another browser signs in to the account: the same roster, with its guest's after it.
    const elsewhere = await openGuest(env, { javaScriptEnabled });
    await signIn(elsewhere.page, email);
    await cameAlong(elsewhere.page, 0);
    assert.deepEqual(await names(elsewhere.page), ['Tom', 'Rex']);
    await elsewhere.context.close();
    await context.close();
  });
}

test('a wrong password is shown at the field and the guest keeps its roster', async () => {
  const email = newEmail();
  const owner = await openGuest(env);
  await signUp(owner.page, email);
  await owner.context.close();

  const { context, page } = await openGuest(env);
  await add(page, '🦊', 'Fox');
  await signIn(page, email, 'not the right password');
  const password = page.getByLabel('Password');
  await page.getByText('Wrong email or password.').waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  await page.goto(env.server.url);
  assert.deepEqual(await names(page), ['Fox']);
  await context.close();
});

test('a short or common password is refused at the field, and nothing is created', async () => {
  const email = newEmail();
  const { context, page } = await openGuest(env);
  for (const [password, message] of [
    ['short', 'Use at least 10 characters.'],
    ['qwertyuiop', 'That password is one of the most common. Choose another.'],
  ]) {
    await page.goto(`${env.server.url}/signup`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText(message).waitFor();
  }
  await signIn(page, email);
  await page.getByText('Wrong email or password.').waitFor();
  await context.close();
});

test('another open tab follows a sign-up and a sign-out without being touched', async () => {
  const email = newEmail();
  const { context, page } = await openGuest(env);
  await add(page, '🐝', 'Bea');
  const other = await context.newPage();
  await other.goto(env.server.url);
  await other.locator('[data-hydrated="true"]').waitFor();

  await signUp(page, email, 'Ada');
  await other.locator('.identity .who', { hasText: 'Ada' }).waitFor();
  assert.deepEqual(await names(other), ['Bea']);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await other.locator('.identity .who', { hasText: 'Guest' }).waitFor();
  await other.getByText('No avatars yet').waitFor();
  await context.close();
});

test('the account page renames; "Sign out everywhere" shows another browser signed out at its next page', async () => {
  const email = newEmail();
  const here = await openGuest(env);
  await add(here.page, '🦉', 'Owl');
  await signUp(here.page, email, 'Ada');
  const there = await openGuest(env);
  await signIn(there.page, email);
  await cameAlong(there.page, 0);
  assert.deepEqual(await names(there.page), ['Owl']);

  await here.page.getByRole('link', { name: 'Account' }).click();
  await here.page.getByLabel('Display name').fill('Ada Lovelace');
  await here.page.getByRole('button', { name: 'Save name' }).click();
  await here.page.locator('.identity .who', { hasText: 'Ada Lovelace' }).waitFor();
  await here.page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await here.page.getByText('No avatars yet').waitFor();

  await there.page.reload();
  await there.page.getByText('Your session has ended').waitFor();
  assert.deepEqual(await names(there.page), []);
  await here.context.close();
  await there.context.close();
});
