// "Forgot password?" in a real browser, with the mail through a real SMTP server
// (maildev): the link from the browser that asked signs in there and brings its guest's
// avatars along, ends every other session, and works once; opened in another browser it
// sets the password and signs in nobody. With JavaScript on and off: the pages are plain
// forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, cameAlong, linkIn, mailsTo, names, openGuest, pageNotice, signIn, signUp, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();
const NEW_PASSWORD = 'correct horse battery';

/** An address no other run uses: maildev is shared by the whole test run. */
const newEmail = (who) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;

/** Adds an avatar through the plain form (JavaScript off). */
async function addPlain(page, emoji, name) {
  await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.waitForLoadState();
}

/** From the sign-in page, asks for a link for `email`. */
async function askForLink(page, email) {
  await page.goto(`${env.server.url}/signin`);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await pageNotice(page, /^If an account has that address, a link to set a new password is on its way\./);
}

/** Opens `link` and sets the new password there. */
async function setPassword(page, link, password = NEW_PASSWORD) {
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Set password' }).click();
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

  test(`a forgotten password is reset by mail and the guest's avatars come along (${mode})`, async () => {
    const email = newEmail('ada');
    // The member, signed in on another device.
    const other = await openGuest(env, { javaScriptEnabled });
    await signUp(other.page, email);

    // A guest here forgets the password.
    const { context, page } = await openGuest(env, { javaScriptEnabled });
    if (javaScriptEnabled) await add(page, '🦊', 'Fox');
    else await addPlain(page, '🦊', 'Fox');
    await askForLink(page, email);
    const [mail] = await mailsTo(email, 'Set a new password');
    const link = linkIn(mail);
    assert.ok(link.startsWith(`${env.server.url}/reset?token=`), link);

    await setPassword(page, link);
    await cameAlong(page, 1);
    assert.deepEqual(await names(page), ['Fox']);

    // The other device's session has ended.
    await other.page.goto(env.server.url);
    await pageNotice(other.page, /^Your session has ended/);
    // The link works once.
    await setPassword(page, link, 'another good phrase');
    await page.getByText('This link does not work any more').waitFor();
    // The new password is the password now.
    await signIn(other.page, email, NEW_PASSWORD);
    await cameAlong(other.page, 0);
    await other.context.close();
    await context.close();
  });
}

test('opened in another browser, the link sets the password and signs in nobody there', async () => {
  const email = newEmail('bob');
  const owner = await openGuest(env);
  await signUp(owner.page, email);
  await owner.page.getByRole('button', { name: 'Sign out' }).click();
  await askForLink(owner.page, email);
  const link = linkIn((await mailsTo(email, 'Set a new password'))[0]);

  const elsewhere = await openGuest(env);
  await add(elsewhere.page, '🐙', 'Octo');
  await setPassword(elsewhere.page, link);
  await pageNotice(elsewhere.page, 'Your new password is set and every other session has ended. Sign in with it.');
  assert.equal(new URL(elsewhere.page.url()).pathname, '/signin');
  await elsewhere.page.goto(env.server.url);
  assert.deepEqual(await names(elsewhere.page), ['Octo'], "that browser's guest is untouched");
  await elsewhere.context.close();
  await owner.context.close();
});
