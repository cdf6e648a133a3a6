// What an account action did is said once, at the top of the next page, at a clean URL:
// a sign-up says what came along, a sign-out that the avatars are safe in the account
// (the new guest's list is empty), with JavaScript and without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameAlong, openGuest, pageNotice, row, signUp, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();

let accounts = 0;
const newEmail = () => `notice-${process.pid}-${(accounts += 1)}@example.com`;

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? '' : ', without JavaScript';
  test(`a sign-up and a sign-out are each said once, at a clean URL${how}`, async () => {
    const { context, page } = await openGuest(env, { javaScriptEnabled });
    await page.getByLabel('Emoji', { exact: true }).fill('🦉');
    await page.getByLabel('Name', { exact: true }).fill('Owl');
    await page.getByRole('button', { name: 'Add avatar' }).click();
    await row(page, 'Owl').waitFor();
    await signUp(page, newEmail(), 'Ada');
    await cameAlong(page, 1);
    await page.reload();
    await row(page, 'Owl').waitFor();
    assert.equal(await page.locator('.page-notice').count(), 0, 'said once');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await pageNotice(page, 'You are signed out. Your avatars are safe in your account: sign in to see them again.');
    assert.equal(new URL(page.url()).search, '');
    assert.equal(await page.locator('.avatar').count(), 0);
    await page.reload();
    assert.equal(await page.locator('.page-notice').count(), 0, 'said once');
    await context.close();
  });
}
