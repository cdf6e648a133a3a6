// Passkeys in a real browser: Chromium's virtual authenticator (DevTools'
// `WebAuthn.addVirtualAuthenticator`, a platform authenticator with user verification)
// makes and uses real credentials against the server. Browsers make passkeys for a
// domain, never an IP address, so these pages are opened at `localhost`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, axeViolations, cameAlong, memberWithPasskey, names, openWithAuthenticator, pageNotice, PASSWORD, signIn, signInWithPasskey, signUp,
  useServerAndBrowser, waitForHydration,
} from '../support.mjs';

const env = useServerAndBrowser();
const who = (page) => page.locator('.identity .who').textContent();
const at = (page, path) => page.goto(new URL(path, page.url()).href);

test('a guest creates an account with a passkey only; signed out, the passkey offered in the email field signs in and the roster comes along', async () => {
  const { context, page, credentials } = await openWithAuthenticator(env, { autofill: true });
  await add(page, '🐱', 'Tom');
  await add(page, '🐶', 'Rex');
  await page.getByRole('link', { name: 'Create account' }).click();
  await page.getByLabel('Email').fill('pia@example.com');
  await page.getByLabel('Display name (optional)').fill('Pia');
  await page.getByRole('button', { name: 'Create account with a passkey instead' }).click();
  await cameAlong(page, 2);
  assert.equal(await who(page), 'Pia');
  assert.deepEqual(await names(page), ['Tom', 'Rex']);
  const made = await credentials();
  assert.equal(made.length, 1);
  assert.equal(made[0].isResidentCredential, true, 'discoverable: signing in needs no email');
  assert.deepEqual((await context.cookies()).map((c) => c.name), ['__Host-session']);

  await at(page, '/account');
  await page.getByText('This account has no password').waitFor();
  const remove = page.getByRole('button', { name: 'Remove Passkey' });
  assert.equal(await remove.isDisabled(), true, 'the only way to sign in cannot go');
  // Said beside it, not left to a tooltip.
  await page.locator('.method', { has: remove }).getByText('Your only way to sign in: it stays.').waitFor();
  assert.match(await page.locator('.method', { has: remove }).textContent(), /Added \d+ \w+ \d{4}, never used/);
  assert.deepEqual(await axeViolations(page), []);
  // A password as a second way to sign in: then the passkey may go.
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByText('Your password is set: you can sign in with it too.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Remove Passkey' }).isDisabled(), false);

  await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
  await page.getByText('No avatars yet').waitFor();
  await waitForHydration(page);
  await add(page, '🦉', 'Owl');
  // The sign-in page asks the browser for a passkey in the email field's autofill; the
  // authenticator answers as a person choosing it there would.
  await at(page, '/signin');
  await cameAlong(page, 1);
  assert.equal(await who(page), 'Pia');
  assert.deepEqual(await names(page), ['Tom', 'Rex', 'Owl']);
  await at(page, '/account');
  assert.match(await page.locator('.methods').last().textContent(), /last used \d+ \w+ \d{4}/);
  await context.close();
});

test('a member adds a named passkey, signs in with it, removes it, and the removed passkey is refused', async () => {
  const { context, page, credentials } = await openWithAuthenticator(env);
  await signUp(page, 'quinn@example.com', 'Quinn');
  await at(page, '/account');
  await page.getByLabel('Name of a new passkey (optional)').fill('Laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await pageNotice(page, 'Passkey added: you can sign in with it.');
  const remove = page.getByRole('button', { name: 'Remove Laptop' });
  assert.equal(await remove.isDisabled(), false, 'the password remains');
  assert.deepEqual(await axeViolations(page), []);

  // The same authenticator cannot make a second passkey for the account.
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.locator('#passkey-error', { hasText: 'This device has a passkey for this account already.' }).waitFor();
  assert.equal((await credentials()).length, 1);

  await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
  await page.getByText('No avatars yet').waitFor();
  await signInWithPasskey(page);
  await cameAlong(page, 0);
  assert.equal(await who(page), 'Quinn');

  await at(page, '/account');
  await page.getByRole('button', { name: 'Remove Laptop' }).click();
  await page.waitForURL((url) => new URL(url).pathname === '/account');
  assert.equal(await page.getByRole('button', { name: 'Remove Laptop' }).count(), 0);

  // The authenticator still holds it; the server no longer knows it.
  await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
  await page.getByText('No avatars yet').waitFor();
  await signInWithPasskey(page);
  await page.locator('#passkey-error', { hasText: 'That passkey is not registered here' }).waitFor();
  assert.equal(await who(page), 'Guest');
  await signIn(page, 'quinn@example.com', PASSWORD);
  await cameAlong(page);
  await context.close();
});

test('a passkey sign-up with a taken email is refused at the email field before any passkey is made', async () => {
  const owner = await openWithAuthenticator(env);
  await signUp(owner.page, 'rosa@example.com');
  await owner.context.close();

  const { context, page, credentials } = await openWithAuthenticator(env);
  await at(page, '/signup');
  await page.getByLabel('Email').fill('rosa@example.com');
  await page.getByRole('button', { name: 'Create account with a passkey instead' }).click();
  const error = page.locator('#email-error');
  await error.filter({ hasText: 'An account with this email already exists' }).waitFor();
  assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
  assert.deepEqual(await credentials(), []);
  assert.equal(await who(page), 'Guest');
  for (const path of ['/signup', '/signin']) {
    await at(page, path);
    assert.deepEqual(await axeViolations(page), [], path);
  }
  await context.close();
});

test('without JavaScript no passkey button appears, and the account page says adding one needs it', async () => {
  const { context, page } = await openWithAuthenticator(env, { javaScriptEnabled: false });
  await at(page, '/signin');
  assert.equal(await page.getByRole('button', { name: 'Sign in with a passkey' }).count(), 0);
  // What lets a browser offer passkeys in the field's autofill, when it can.
  assert.equal(await page.getByLabel('Email').getAttribute('autocomplete'), 'username webauthn');
  await at(page, '/signup');
  assert.equal(await page.getByRole('button', { name: /with a passkey/ }).count(), 0);
  await signUp(page, 'sam@example.com');
  await at(page, '/account');
  // (Playwright's text search skips <noscript>, which this browser shows.)
  assert.match(await page.locator('noscript').innerHTML(), /Adding a passkey needs JavaScript\./);
  assert.equal(await page.getByRole('button', { name: 'Add a passkey' }).count(), 0);
  await context.close();
});

test('another open tab follows a passkey sign-in without being touched', async () => {
  const { context, page } = await openWithAuthenticator(env);
  await memberWithPasskey(page, 'tove@example.com', 'Tove');

  const other = await context.newPage();
  await other.goto(page.url());
  await waitForHydration(other);
  assert.equal(await who(other), 'Guest');
  await signInWithPasskey(page);
  await cameAlong(page, 0);
  await other.locator('.identity .who', { hasText: 'Tove' }).waitFor();
  await context.close();
});

test('a finished passkey sign-in, replayed with its cookies and answer, signs nobody in', async () => {
  const { context, page } = await openWithAuthenticator(env);
  await memberWithPasskey(page, 'uma@example.com', 'Uma');

  // What an eavesdropper on the finish request would hold: its headers (the guest and
  // ceremony cookies among them) and its body (the authenticator's signed answer).
  let finish;
  page.on('request', async (request) => {
    if (new URL(request.url()).pathname === '/auth/passkey/finish') {
      finish = { url: request.url(), headers: await request.allHeaders(), body: request.postData() };
    }
  });
  await signInWithPasskey(page);
  await cameAlong(page, 0);
  assert.equal(await who(page), 'Uma');
  assert.ok(finish, 'the finish request was seen');

  const { host, connection, 'content-length': _, ...headers } = finish.headers;
  const replay = await fetch(finish.url, { method: 'POST', headers, body: finish.body });
  assert.equal(replay.status, 400);
  assert.equal((await replay.json()).error, 'passkey/expired');
  assert.ok(!(replay.headers.get('set-cookie') ?? '').includes('__Host-session=ey'), 'no session issued');
  await context.close();
});

test('a passkey sign-up at the longest email and display name the rules allow makes the account', async () => {
  const { page, context, credentials } = await openWithAuthenticator(env);
  // 254 characters of email; 80 clusters of 8 code points each (a family, a skin tone).
  const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
  const name = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}\u{1F3FB}'.repeat(80);
  await at(page, '/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Display name (optional)').fill(name);
  await page.getByRole('button', { name: 'Create account with a passkey instead' }).click();
  await cameAlong(page, 0);
  assert.equal(await who(page), name);
  assert.equal((await credentials()).length, 1);
  await context.close();
});
