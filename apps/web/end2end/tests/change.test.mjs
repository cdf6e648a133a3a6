// Changing the address in a real browser, with the mail through a real SMTP server
// (maildev): the account page asks for the new address and the password, a link goes to
// the new address, and following it moves the account there — this browser stays signed
// in, every other session ends, and the old address is told. A taken address hears of it,
// and the one who asked sees exactly what they would for a free one. With JavaScript on
// and off: the pages are plain forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, cameAlong, linkIn, mailsTo, openGuest, pageNotice, signIn, signUp, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();
const CHANGE = 'Confirm your new email';
const SENT = "Check the new address's inbox: your email changes when you open the link we mailed there. It works for 24 hours.";

/** An address no other run uses: maildev is shared by the whole test run. */
const newEmail = (who) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;

/** On the account page, asks to move the account to `email`. */
async function askToChange(page, email, password = PASSWORD) {
  await page.goto(`${env.server.url}/account`);
  await page.getByLabel('New email').fill(email);
  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: 'Send a link to the new address' }).click();
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

  test(`the link moves the account, keeps this browser signed in, ends the others and tells the old address (${mode})`, async () => {
    const [old, fresh] = [newEmail('ada'), newEmail('ada-new')];
    const here = await openGuest(env, { javaScriptEnabled });
    await signUp(here.page, old);
    const there = await openGuest(env, { javaScriptEnabled });
    await signIn(there.page, old);
    await cameAlong(there.page, 0);

    const { page } = here;
    await askToChange(page, fresh, 'not my password');
    await page.getByText('That is not your password.').waitFor();
    assert.equal(await page.getByLabel('New email').inputValue(), fresh, 'what was typed stays');
    await askToChange(page, old.toUpperCase());
    await page.getByText('That is the address you have now.').waitFor();
    await askToChange(page, fresh);
    await pageNotice(page, SENT);
    assert.equal(await page.locator('.account-facts dd').textContent(), old, 'nothing moves before the link');

    const [mail] = await mailsTo(fresh, CHANGE);
    assert.ok(linkIn(mail).startsWith(`${env.server.url}/change-email?token=`), linkIn(mail));
    await page.goto(linkIn(mail));
    await page.getByRole('button', { name: 'Use this email' }).click();
    await pageNotice(page, 'Your email is changed, and every session on other devices has ended. The old address was told.');
    assert.equal(new URL(page.url()).pathname, '/account');
    await page.getByText(`${fresh} (confirmed)`).waitFor();
    const [told] = await mailsTo(old, 'Your email was changed');
    assert.match(told.text, new RegExp(`now ${fresh.replace(/[.+]/g, '\\$&')}`));

    await there.page.goto(env.server.url);
    await pageNotice(there.page, /^Your session has ended/);
    await signIn(there.page, fresh);
    await cameAlong(there.page, 0);
    await there.context.close();
    await here.context.close();
  });
}

test('a change to an address that has an account looks the same to the asker, and only that inbox hears', async () => {
  const [ada, bob] = [newEmail('ada'), newEmail('bob')];
  const owner = await openGuest(env);
  await signUp(owner.page, bob);
  const { context, page } = await openGuest(env);
  await signUp(page, ada);
  await askToChange(page, bob);
  await pageNotice(page, SENT);
  const [heard] = await mailsTo(bob, 'Your address already has an account');
  assert.ok(!heard.text.includes('token='), 'nothing to follow');
  await page.goto(`${env.server.url}/account`);
  assert.equal(await page.locator('.account-facts dd').textContent(), ada);
  await context.close();
  await owner.context.close();
});
