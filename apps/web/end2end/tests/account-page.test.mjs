// The account pages as a careful person expects them: results said at the top of the
// page, the data downloadable (a guest's too), a member told on the sign-in pages, and a
// taken email's way to its account a link. (Disabled buttons that say why: passkeys and
// providers.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { add, axeViolations, openGuest, pageNotice, useServerAndBrowser, signUp } from '../support.mjs';

const env = useServerAndBrowser();
let accounts = 0;
const newEmail = () => `account-page-${process.pid}-${(accounts += 1)}@example.com`;

/** Clicks the download link `name` and reads the file as JSON. */
async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name, exact: true }).click()]);
  assert.equal(file.suggestedFilename(), 'guestroom-data.json');
  return JSON.parse(readFileSync(await file.path(), 'utf8'));
}

test('a guest and then a member download their data', async () => {
  const { context, page } = await openGuest(env, { acceptDownloads: true });
  await add(page, '🐱', 'Tom');
  await page.goto(`${env.server.url}/account`);
  const guest = await download(page, 'Download your data');
  assert.equal(guest.kind, 'guest');
  assert.deepEqual(guest.avatars.map((a) => [a.emoji, a.name, a.is_active]), [['🐱', 'Tom', true]]);

  const email = newEmail();
  await signUp(page, email, 'Ada');
  await page.getByRole('link', { name: 'Account' }).click();
  const member = await download(page, 'Download your data');
  assert.equal(member.kind, 'member');
  assert.equal(member.account.email, email);
  assert.equal(member.account.display_name, 'Ada');
  assert.deepEqual(member.avatars.map((a) => a.name), ['Tom']);
  await context.close();
});

test('saving a name is said at the top of the page; a member on the sign-in pages is told', async () => {
  const { context, page } = await openGuest(env);
  await signUp(page, newEmail(), 'Ada');
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByLabel('Display name').fill('Ada L.');
  await page.getByRole('button', { name: 'Save name' }).click();
  await pageNotice(page, 'Your display name is saved.');
  const notice = await page.locator('.page-notice').boundingBox();
  const title = await page.getByRole('heading', { level: 1 }).boundingBox();
  assert.ok(notice.y < title.y, 'above the title');
  assert.deepEqual(await axeViolations(page), []);

  await page.goto(`${env.server.url}/signin`);
  await page.getByText('You are signed in as Ada L.. Signing in here switches to another account.').waitFor();
  await page.goto(`${env.server.url}/signup`);
  await page.getByText('Sign out first to create another account.').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});

test('a taken email offers its account as a link', async () => {
  const email = newEmail();
  const first = await openGuest(env);
  await signUp(first.page, email, 'Ada');
  await first.context.close();

  const { context, page } = await openGuest(env);
  await page.goto(`${env.server.url}/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('another long password');
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await page.getByText('An account with this email already exists.').waitFor();
  await page.getByRole('link', { name: 'Sign in to that account instead' }).click();
  await page.waitForURL((url) => new URL(url).pathname === '/signin');
  await context.close();
});

test('the account pages are one column: every card and button in it as wide as the column', async () => {
  const { context, page } = await openGuest(env);
  /** The widths of what `selector` finds that takes room, and of the page's column. */
  const widths = async (selector) => ({
    column: Math.round((await page.locator('section.account').boundingBox()).width),
    found: (await page.locator(selector).evaluateAll((all) => all.map((el) => Math.round(el.getBoundingClientRect().width))))
      .filter((width) => width > 0),
  });
  for (const path of ['/signup', '/signin']) {
    await page.goto(`${env.server.url}${path}`);
    const { column, found } = await widths('.account-form, .providers, .account > .passkey');
    assert.ok(found.length >= 1 && found.every((width) => width === column), `${path}: ${found} in ${column}`);
  }
  await signUp(page, newEmail(), 'Ada');
  await page.goto(`${env.server.url}/account`);
  const { column, found } = await widths('.account-form');
  assert.ok(found.length >= 5 && found.every((width) => width === column), `${found} in ${column}`);
  await context.close();
});
