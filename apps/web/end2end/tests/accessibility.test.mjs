// axe-core scans of the roster page (empty and with avatars) and of the account pages,
// in both colour schemes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, axeViolations as violations, cameAlong, openGuest, row, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();

for (const colorScheme of ['light', 'dark']) {
  test(`the roster page has no axe violations (${colorScheme})`, async () => {
    const { context, page } = await openGuest(env, { colorScheme });
    assert.deepEqual(await violations(page), [], 'empty roster');

    await add(page, '🐱', 'Tom');
    await add(page, '🐶', 'Rex');
    await row(page, 'Rex').getByRole('button', { name: 'Active' }).click();
    await row(page, 'Tom').getByText('Edit').click();
    // An error on the page too: the add form with a bad name.
    await page.getByLabel('Emoji', { exact: true }).first().fill('🐱');
    await page.getByLabel('Name', { exact: true }).first().fill('x'.repeat(41));
    await page.getByRole('button', { name: 'Add avatar' }).click();
    await page.locator('#new-name-error').getByText('at most 40').waitFor();
    assert.deepEqual(await violations(page), [], 'roster with avatars, an open editor and an error');

    await page.getByRole('button', { name: 'Choose an emoji for the new avatar' }).first().click();
    await page.getByRole('combobox', { name: 'Search emoji by name' }).fill('cat');
    await page.getByRole('option', { name: 'cat face' }).waitFor();
    assert.deepEqual(await violations(page), [], 'the emoji picker open with matches');
    await context.close();
  });
}

for (const colorScheme of ['light', 'dark']) {
  test(`the sign-up, sign-in, password reset, sign-in link, confirmation, change-of-email and account pages have no axe violations, with errors shown too (${colorScheme})`, async () => {
    const { context, page } = await openGuest(env, { colorScheme });
    for (const [path, button] of [['/signup', 'Create account'], ['/signin', 'Sign in']]) {
      await page.goto(`${env.server.url}${path}`);
      assert.deepEqual(await violations(page), [], `${path}, empty`);
      await page.getByLabel('Email').fill('nobody@example.com');
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: button, exact: true }).click();
      await page.locator('[aria-invalid="true"]').first().waitFor();
      assert.deepEqual(await violations(page), [], `${path}, with an error`);
    }
    // "Forgot password?", with its field's error, and the page a reset link opens (a
    // made-up token: refused, with the refusal shown).
    await page.goto(`${env.server.url}/forgot`);
    assert.deepEqual(await violations(page), [], '/forgot, empty');
    // The browser's own check lets this through; the server's rule does not.
    await page.getByLabel('Email').fill('ada@example');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.locator('[aria-invalid="true"]').first().waitFor();
    assert.deepEqual(await violations(page), [], '/forgot, with an error');
    await page.goto(`${env.server.url}/reset?token=made-up`);
    assert.deepEqual(await violations(page), [], '/reset, empty');
    await page.getByLabel('New password', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('This link does not work any more').waitFor();
    assert.deepEqual(await violations(page), [], '/reset, refused');
    await page.goto(`${env.server.url}/email-link`);
    assert.deepEqual(await violations(page), [], '/email-link');
    await page.getByLabel('Code from the mail').fill('AAAA-AAAA');
    await page.getByRole('button', { name: 'Sign in with the code' }).click();
    await page.getByText('That code matches no link asked for in this browser').waitFor();
    assert.deepEqual(await violations(page), [], '/email-link, with an error');
    await page.goto(`${env.server.url}/signin-link?token=made-up`);
    assert.deepEqual(await violations(page), [], '/signin-link');
    await page.goto(`${env.server.url}/verify?token=made-up`);
    assert.deepEqual(await violations(page), [], '/verify');
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await page.getByText('This link does not work any more').waitFor();
    assert.deepEqual(await violations(page), [], '/verify, refused');
    // The account page, as a member.
    await page.goto(`${env.server.url}/signup`);
    await page.getByLabel('Email').fill(`axe-${colorScheme}@example.com`);
    await page.getByLabel('Password').fill('staple battery horse');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await cameAlong(page);
    await page.goto(`${env.server.url}/account`);
    await page.getByRole('button', { name: 'Sign out everywhere' }).waitFor();
    await page.getByRole('button', { name: 'Send the link again' }).waitFor();
    assert.deepEqual(await violations(page), [], '/account, the address unconfirmed');
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('correct horse battery');
    await page.locator('#new_password + .reveal').click();
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('That is not your current password.').waitFor();
    assert.deepEqual(await violations(page), [], '/account, with an error');
    await page.getByLabel('New email').fill('ada@example');
    await page.getByRole('button', { name: 'Send a link to the new address' }).click();
    await page.getByText('Enter an email address like name@example.com.').waitFor();
    assert.deepEqual(await violations(page), [], '/account, a new email refused');
    await page.goto(`${env.server.url}/change-email?token=made-up`);
    assert.deepEqual(await violations(page), [], '/change-email');
    await page.getByRole('button', { name: 'Use this email' }).click();
    await page.getByText('This link does not work any more').waitFor();
    assert.deepEqual(await violations(page), [], '/change-email, refused');
    await context.close();
  });
}
