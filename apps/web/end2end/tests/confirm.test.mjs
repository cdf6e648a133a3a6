// Confirming an address in a real browser, with the mail through a real SMTP server
// (maildev) and sign-in through a real provider (oidc-provider): sign-up mails a link,
// the account page asks for it until it is followed, and following it confirms the
// address and nothing more. And issue 25's attack, from both sides: someone signs up with
// another person's address; when its owner signs in with a provider that vouches for it,
// the owner gets the account and the one who made it is signed out for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, cameAlong, linkIn, mailsTo, names, openGuest, pageNotice, signIn, signInAtProvider, signUp, testProvider, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser(testProvider());

/** An address no other run uses: maildev and the provider outlive each run. */
const newEmail = (who) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

  test(`sign-up mails a link; following it confirms the address and nothing more (${mode})`, async () => {
    const email = newEmail('ada');
    const { context, page } = await openGuest(env, { javaScriptEnabled });
    await signUp(page, email);
    await page.goto(`${env.server.url}/account`);
    await page.getByRole('heading', { name: 'Confirm your email' }).waitFor();
    await page.getByRole('button', { name: 'Send the link again' }).click();
    await pageNotice(page, 'A link to confirm your email is on its way. It works for 24 hours.');

    const mails = await mailsTo(email, 'Confirm your email', 2);
    const [first, newest] = [linkIn(mails[0]), linkIn(mails[1])];
    assert.ok(newest.startsWith(`${env.server.url}/verify?token=`), newest);
    // The older link was replaced by the newer one.
    await page.goto(first);
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await page.getByText('This link does not work any more').waitFor();

    await page.goto(newest);
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await pageNotice(page, 'Your email is confirmed.');
    assert.equal(new URL(page.url()).pathname, '/account', 'the member goes on to the account page');
    await page.getByText(`${email} (confirmed)`).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Send the link again' }).count(), 0);
    await context.close();
  });
}

test('opened in another browser, the link confirms the address and signs in nobody', async () => {
  const email = newEmail('bob');
  const owner = await openGuest(env);
  await signUp(owner.page, email);
  const [mail] = await mailsTo(email, 'Confirm your email');
  const other = await openGuest(env);
  await add(other.page, '🐶', 'Rex');
  await other.page.goto(linkIn(mail));
  await other.page.getByRole('button', { name: 'Confirm my email' }).click();
  await pageNotice(other.page, 'Your email is confirmed.');
  assert.equal(await other.page.locator('.identity .who').textContent(), 'Guest');
  assert.deepEqual(await names(other.page), ['Rex']);
  await owner.page.goto(`${env.server.url}/account`);
  await owner.page.getByText(`${email} (confirmed)`).waitFor();
  await other.context.close();
  await owner.context.close();
});

test("an account made with someone else's address goes to the address's owner, and its maker keeps no way in", async () => {
  const email = newEmail('grace');
  // The squatter signs up with Grace's address and a password of their own.
  const squatter = await openGuest(env);
  await add(squatter.page, '🐍', 'Planted');
  await signUp(squatter.page, email);
  await cameAlong(squatter.page, 1);

  // Grace, a guest with an avatar, signs in with a provider that vouches for her address.
  const grace = await openGuest(env);
  await add(grace.page, '🦊', 'Fox');
  await grace.page.goto(`${env.server.url}/signin`);
  await grace.page.getByRole('button', { name: 'Continue with Test ID' }).click();
  await signInAtProvider(grace.page, email);
  await cameAlong(grace.page, 1);
  assert.deepEqual((await names(grace.page)).sort(), ['Fox', 'Planted']);
  await grace.page.goto(`${env.server.url}/account`);
  await grace.page.getByText(`${email} (confirmed)`).waitFor();

  // The squatter's session has ended, and the password opens nothing.
  await squatter.page.goto(env.server.url);
  await pageNotice(squatter.page, /^Your session has ended/);
  await signIn(squatter.page, email);
  await squatter.page.getByText('Wrong email or password.').waitFor();
  await squatter.context.close();
  await grace.context.close();
});
