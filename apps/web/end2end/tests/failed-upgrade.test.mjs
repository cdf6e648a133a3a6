// A way to sign in that fails costs the guest nothing: after a wrong password, a sign-in
// cancelled at the provider, or a database failure in the middle of the merge (a trigger
// refusing its last statement, on the provider and the passkey paths), the browser is
// still the same guest with the same avatars, and a retry merges them exactly once.
// SQLite only: the failure is set up with Debian's sqlite3 on the server's file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, cameAlong, memberWithPasskey, names, openGuest, openWithAuthenticator, PASSWORD, signIn, signInAtProvider,
  signInWithPasskey, signUp, testProvider, useServerAndBrowser,
} from '../support.mjs';

const env = useServerAndBrowser(testProvider());
const run = Date.now().toString(36);
let people = 0;
const newEmail = () => `failing${(people += 1)}@${run}.example.com`;

const breakMerges = () => env.server.sql(
  "CREATE TRIGGER fail_merge BEFORE UPDATE OF merged_into ON owners BEGIN SELECT RAISE(ABORT, 'forced failure'); END;",
);
const mendMerges = () => env.server.sql('DROP TRIGGER fail_merge;');

/** The roster page of this browser: still a guest, with Tom and Rex. */
async function stillTheGuest(page) {
  await page.goto(new URL('/', page.url()).href);
  assert.equal(await page.locator('.identity .who').textContent(), 'Guest');
  assert.deepEqual(await names(page), ['Tom', 'Rex']);
}

async function guestWithTwo(page) {
  for (const name of ['Tom', 'Rex']) await add(page, '🐱', name);
}

/** "Continue with Test ID" from the sign-in page, up to the provider's pages. */
async function toProvider(page) {
  await page.goto(new URL('/signin', page.url()).href);
  await page.getByRole('button', { name: 'Continue with Test ID' }).click();
}

test('a wrong password leaves the same guest, and the right one merges once', async () => {
  const email = newEmail();
  const owner = await openGuest(env);
  await signUp(owner.page, email);
  await add(owner.page, '🦉', 'Owl');
  await owner.context.close();
  const { context, page } = await openGuest(env);
  await guestWithTwo(page);
  await signIn(page, email, 'not the password at all');
  await page.locator('[role=alert], .field-error', { hasText: /wrong|not/i }).first().waitFor();
  await stillTheGuest(page);
  await signIn(page, email, PASSWORD);
  await cameAlong(page, 2);
  assert.deepEqual(await names(page), ['Owl', 'Tom', 'Rex']);
  await context.close();
});

test('a sign-in cancelled at the provider leaves the same guest, and a retry merges once', async () => {
  const email = newEmail();
  const { context, page } = await openGuest(env);
  await guestWithTwo(page);
  await toProvider(page);
  await page.getByRole('link', { name: /Cancel/ }).click();
  await page.waitForURL((url) => url.pathname === '/signin');
  await stillTheGuest(page);
  await toProvider(page);
  await signInAtProvider(page, email);
  await cameAlong(page, 2);
  assert.deepEqual(await names(page), ['Tom', 'Rex']);
  await context.close();
});

test('the database failing mid-merge on the provider path leaves the same guest, and a retry merges once', async () => {
  const email = newEmail();
  const owner = await openGuest(env);
  await toProvider(owner.page);
  await signInAtProvider(owner.page, email);
  await cameAlong(owner.page);
  await add(owner.page, '🦉', 'Owl');
  await owner.context.close();
  const { context, page } = await openGuest(env);
  await guestWithTwo(page);
  breakMerges();
  try {
    await toProvider(page);
    await signInAtProvider(page, email);
    await page.waitForLoadState();
    await stillTheGuest(page);
  } finally {
    mendMerges();
  }
  await toProvider(page);
  await signInAtProvider(page, email);
  await cameAlong(page, 2);
  assert.deepEqual(await names(page), ['Owl', 'Tom', 'Rex']);
  await context.close();
});

test('the database failing mid-merge on a passkey sign-in leaves the same guest, and a retry merges once', async () => {
  const { context, page } = await openWithAuthenticator(env);
  await memberWithPasskey(page, newEmail(), '', ['Owl']);
  await guestWithTwo(page);
  breakMerges();
  try {
    await signInWithPasskey(page);
    await page.locator('[role=alert]').first().waitFor();
    await stillTheGuest(page);
  } finally {
    mendMerges();
  }
  await signInWithPasskey(page);
  await cameAlong(page, 2);
  assert.deepEqual(await names(page), ['Owl', 'Tom', 'Rex']);
  await context.close();
});
