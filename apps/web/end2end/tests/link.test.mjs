// Sign-in links in a real browser, with the mail through a real SMTP server (maildev):
// the link opened in the browser that asked signs in there and brings its guest's avatars
// along, once; opened in another browser it signs in nobody and shows the mail's code,
// which signs in the first browser. With JavaScript on and off: the pages are plain forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, cameAlong, linkIn, mailsTo, names, openGuest, pageNotice, signUp, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();
const SUBJECT = 'Sign in to Guestroom';

/** An address no other run uses: maildev is shared by the whole test run. */
const newEmail = (who) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;

/** From the sign-in page, asks for a sign-in link for `email`. */
async function askForLink(page, email) {
  await page.goto(`${env.server.url}/signin`);
  await page.getByRole('link', { name: 'Email me a sign-in link' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await pageNotice(page, /^If an account has that address, a sign-in link is on its way\./);
}

/** Adds an avatar through the plain form (JavaScript off). */
async function addPlain(page, emoji, name) {
  await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.waitForLoadState();
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

  test(`a sign-in link signs in the browser that asked, once, and its avatars come along (${mode})`, async () => {
    const email = newEmail('ada');
    const owner = await openGuest(env);
    await signUp(owner.page, email);
    await owner.context.close();

    const { context, page } = await openGuest(env, { javaScriptEnabled });
    if (javaScriptEnabled) await add(page, '🦊', 'Fox');
    else await addPlain(page, '🦊', 'Fox');
    await askForLink(page, email);
    const [mail] = await mailsTo(email, SUBJECT);
    const link = linkIn(mail);
    assert.ok(link.startsWith(`${env.server.url}/signin-link?token=`), link);
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await cameAlong(page, 1);
    assert.deepEqual(await names(page), ['Fox']);
    // Once.
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('This link does not work any more').waitFor();
    await context.close();
  });
}

test('opened in another browser, the link shows its code, which signs in the browser that asked', async () => {
  const email = newEmail('bob');
  const owner = await openGuest(env);
  await signUp(owner.page, email);
  await owner.context.close();

  const asking = await openGuest(env);
  await add(asking.page, '🐢', 'Shelly');
  await askForLink(asking.page, email);
  const [mail] = await mailsTo(email, SUBJECT);

  const phone = await openGuest(env);
  await phone.page.goto(linkIn(mail));
  await phone.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const code = (await phone.page.locator('.sign-in-code').textContent()).trim();
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.ok(mail.text.includes(code), 'the same code as the mail');
  assert.equal(await phone.page.locator('.identity .who').textContent(), 'Guest');

  // A wrong code is said at its field; the right one signs in.
  await asking.page.getByLabel('Code from the mail').fill('AAAA-AAAA');
  await asking.page.getByRole('button', { name: 'Sign in with the code' }).click();
  await asking.page.getByText('That code matches no link asked for in this browser').waitFor();
  await asking.page.getByLabel('Code from the mail').fill(code.toLowerCase());
  await asking.page.getByRole('button', { name: 'Sign in with the code' }).click();
  await cameAlong(asking.page, 1);
  assert.deepEqual(await names(asking.page), ['Shelly']);
  await phone.context.close();
  await asking.context.close();
});
