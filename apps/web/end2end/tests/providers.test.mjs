// Signing in with an OpenID Connect provider, in a real browser against a real provider
// (`oidc-provider`, started by scripts/test.sh): the guest's roster comes along, the same
// provider identity finds the same account, an email that has an account links nothing,
// a member links and unlinks, and a callback opened in another browser (an attacker's
// link) or opened twice changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, axeViolations, cameAlong, confirmEmail, names, openGuest, pageNotice, signIn, signInAtProvider, signUp, testProvider, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser(testProvider());
let people = 0;
/** A fresh address per journey and run: maildev, the provider and the server outlive each test. */
const run = Date.now().toString(36);
const newEmail = () => `grace${(people += 1)}@${run}.example.com`;

const who = (page) => page.locator('.identity .who').textContent();

/** From the sign-in page: "Continue with Test ID", then the provider's pages. */
async function continueWithProvider(page, login) {
  await page.goto(new URL('/signin', page.url()).href);
  await page.getByRole('button', { name: 'Continue with Test ID' }).click();
  await signInAtProvider(page, login);
}

test('a guest signs in with the provider, the roster comes along, and the same identity finds the same account', async () => {
  const email = newEmail();
  const { context, page } = await openGuest(env);
  await add(page, '🐱', 'Tom');
  await add(page, '🐶', 'Rex');
  await continueWithProvider(page, email);
  await cameAlong(page, 2);
  await page.getByText('Your 2 avatars came along.').waitFor();
  assert.equal(await who(page), 'Grace1');
  assert.deepEqual(await names(page), ['Tom', 'Rex']);
  assert.deepEqual((await context.cookies()).map((c) => c.name).filter((n) => n.startsWith('__Host-')), [
    '__Host-session',
  ]);
  await context.close();

  // Another browser, another guest with its own avatar: the same account, both rosters.
  const elsewhere = await openGuest(env);
  await add(elsewhere.page, '🦉', 'Owl');
  await continueWithProvider(elsewhere.page, email);
  await cameAlong(elsewhere.page, 1);
  assert.deepEqual(await names(elsewhere.page), ['Tom', 'Rex', 'Owl']);
  await elsewhere.context.close();
});

test('the journey works with JavaScript off', async () => {
  const { context, page } = await openGuest(env, { javaScriptEnabled: false });
  await page.getByLabel('Emoji', { exact: true }).first().fill('🦊');
  await page.getByLabel('Name', { exact: true }).first().fill('Fox');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.waitForLoadState();
  await continueWithProvider(page, newEmail());
  await cameAlong(page, 1);
  assert.deepEqual(await names(page), ['Fox']);
  await context.close();
});

test('a confirmed email that has an account links nothing; the member links the provider from the account page, then unlinks it', async () => {
  const email = newEmail();
  const owner = await openGuest(env);
  await signUp(owner.page, email);
  await confirmEmail(owner.page, email);
  await owner.context.close();

  // Someone arrives from the provider with that email: no account is joined or made.
  const { context, page } = await openGuest(env);
  await add(page, '🐢', 'Shelly');
  await continueWithProvider(page, email);
  await page.getByText('Sign in the way you did before, then link Test ID on your account page.').waitFor();
  assert.equal(page.url(), `${env.server.url}/signin`, 'the refusal is not in the URL');
  await page.goto(env.server.url);
  assert.equal(await who(page), 'Guest');
  assert.deepEqual(await names(page), ['Shelly']);

  // Signed in with the password, the member links the provider…
  await signIn(page, email);
  await cameAlong(page, 1);
  await page.goto(new URL('/account', page.url()).href);
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('button', { name: 'Link Test ID' }).click();
  await signInAtProvider(page, email);
  await pageNotice(page, 'Test ID is linked: you can sign in with it.');
  await page.getByText('Test ID is linked: you can sign in with it.').waitFor();

  // …after which the provider signs in to this account.
  const elsewhere = await openGuest(env);
  await continueWithProvider(elsewhere.page, email);
  await cameAlong(elsewhere.page, 0);
  assert.deepEqual(await names(elsewhere.page), ['Shelly']);
  await elsewhere.context.close();

  // Unlinked (the password remains), the provider finds the account no more.
  await page.getByRole('button', { name: 'Unlink Test ID' }).click();
  await page.getByRole('button', { name: 'Link Test ID' }).waitFor();
  await context.close();
});

test('an account made with the provider keeps its only way to sign in, and is deleted with its email typed again', async () => {
  const email = newEmail();
  const { context, page } = await openGuest(env);
  await continueWithProvider(page, email);
  await cameAlong(page, 0);
  await page.goto(new URL('/account', page.url()).href);
  const unlink = page.getByRole('button', { name: 'Unlink Test ID' });
  assert.equal(await unlink.isDisabled(), true);
  await page.locator('.method', { has: unlink }).getByText('Your only way to sign in: it stays.').waitFor();
  // Sent anyway (the form without its button's state), the server refuses it.
  await page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.startsWith('Unlink'));
    button.disabled = false;
    button.click();
  });
  await page.getByText('That is your only way to sign in.').waitFor();
  await page.getByRole('button', { name: 'Unlink Test ID' }).waitFor();

  // No password to change; deletion asks for the email instead.
  await page.getByText('This account has no password').waitFor();
  await page.getByLabel('Your email, to confirm').fill('someone@example.com');
  await page.getByRole('button', { name: 'Delete account' }).click();
  await page.getByText("That is not this account's email.").waitFor();
  await page.getByLabel('Your email, to confirm').fill(email);
  await page.getByRole('button', { name: 'Delete account' }).click();
  await page.getByText('Your account and its avatars were deleted.').waitFor();
  assert.equal(await who(page), 'Guest');
  await context.close();
});

test("a callback opened in another browser (an attacker's link) merges nothing and signs in no one", async () => {
  // The attacker goes through the provider and keeps the callback URL it sends them to.
  const attackerEmail = newEmail();
  const attacker = await openGuest(env);
  const callbacks = [];
  attacker.page.on('request', (request) => {
    if (request.url().includes('/auth/test/callback')) callbacks.push(request.url());
  });
  await continueWithProvider(attacker.page, attackerEmail);
  await cameAlong(attacker.page, 0);
  assert.match(callbacks[0] ?? '', /[?&]code=/, 'the provider redirected with a code');
  await attacker.context.close();

  // The victim opens it: refused as a flow this browser did not start (not as a code the
  // provider refuses), before anything is asked of the provider or merged.
  const victim = await openGuest(env);
  await add(victim.page, '🐝', 'Bee');
  await victim.page.goto(callbacks[0]);
  await victim.page.getByText('was not started in this browser').waitFor();
  assert.equal(victim.page.url(), `${env.server.url}/signin`);
  await victim.page.goto(env.server.url);
  assert.equal(await who(victim.page), 'Guest');
  assert.deepEqual(await names(victim.page), ['Bee']);
  await victim.context.close();

  // And the attacker's account got nothing of the victim's.
  const again = await openGuest(env);
  await continueWithProvider(again.page, attackerEmail);
  await cameAlong(again.page, 0);
  assert.deepEqual(await names(again.page), []);
  await again.context.close();
});

test('a replayed callback does nothing, and an unverified email makes no account', async () => {
  const { context, page } = await openGuest(env);
  const callbacks = [];
  page.on('request', (request) => {
    if (request.url().includes('/auth/test/callback')) callbacks.push(request.url());
  });
  await continueWithProvider(page, newEmail());
  await cameAlong(page, 0);
  const name = await who(page);
  await page.goto(callbacks[0]);
  await page.getByText('was not started in this browser').waitFor();
  await page.goto(env.server.url);
  assert.equal(await who(page), name, 'still the same member');
  await context.close();

  const unverified = await openGuest(env);
  await continueWithProvider(unverified.page, `unverified-${newEmail()}`);
  await unverified.page.getByText('did not share a verified email address').waitFor();
  assert.deepEqual(await axeViolations(unverified.page), []);
  // Said once: a reload of the page does not say it again.
  await unverified.page.reload();
  await unverified.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await unverified.page.getByText('did not share a verified email address').count(), 0);
  await unverified.context.close();
});

test('another open tab follows a provider sign-in without being touched', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐝', 'Bea');
  const other = await context.newPage();
  await other.goto(env.server.url);
  await other.locator('[data-hydrated="true"]').waitFor();
  assert.equal(await who(other), 'Guest');
  await continueWithProvider(page, newEmail());
  await cameAlong(page, 1);
  await other.locator('.identity .who', { hasText: /^Grace\d+$/ }).waitFor();
  assert.deepEqual(await names(other), ['Bea']);
  await context.close();
});
