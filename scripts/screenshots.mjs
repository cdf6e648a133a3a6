// Takes the README's screenshots of the roster, in light and dark mode and at phone width
// (390 px, light), of a guest's device code, and of the sign-up, sign-in, password-reset, sign-in link, confirmation and account pages, from a running release
// build (after scripts/build.sh --release). With GUESTROOM_TEST_OIDC_ISSUER (the test
// provider, `node tests/oidc/provider.mjs`) the pages show its button too; the account page
// shows a passkey made by Chromium's virtual authenticator.
//   GUESTROOM_BIN=… LEPTOS_SITE_ROOT=… node scripts/screenshots.mjs docs/screenshots
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  add,
  launchBrowser,
  pageNotice,
  row,
  signUp,
  startServer,
  testProvider,
  waitForHydration,
} from '../apps/web/end2end/support.mjs';

const out = process.argv[2] ?? 'docs/screenshots';
mkdirSync(out, { recursive: true });
const server = await startServer(process.env.GUESTROOM_TEST_OIDC_ISSUER ? testProvider() : {});
// Passkeys are made for a host name, not an IP address.
const local = server.url.replace('127.0.0.1', 'localhost');
const browser = await launchBrowser();
try {
  for (const [name, colorScheme, width] of [['light', 'light', 720], ['dark', 'dark', 720], ['phone', 'light', 390]]) {
    const context = await browser.newContext({ colorScheme, viewport: { width, height: 560 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await waitForHydration(page);
    for (const [emoji, name] of [['🐱', 'Whiskers'], ['🦊', 'Fox'], ['🐙', 'Otto']]) await add(page, emoji, name);
    await row(page, 'Fox').getByRole('button', { name: 'Active' }).click();
    await page.waitForSelector('.avatar.inactive');
    // The switch's knob slides for 0.15 s: the shot waits for it to stop.
    await page.waitForTimeout(300);
    // The phone shot shows the whole page: the form, then rows whose controls wrap.
    await page.screenshot({ path: join(out, `roster-${name}.png`), fullPage: name === 'phone' });
    await context.close();
  }
  // A guest's code to continue on another device, and its QR code.
  {
    const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 720, height: 560 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await waitForHydration(page);
    await add(page, '🐱', 'Whiskers');
    await page.getByRole('link', { name: 'Continue on another device' }).click();
    await page.getByRole('button', { name: 'Make a code' }).click();
    await page.locator('.device-qr svg').waitFor();
    await page.screenshot({ path: join(out, 'device.png'), fullPage: true });
    await context.close();
  }
  // The sign-up and sign-in pages, as a guest sees them.
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 720, height: 560 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  for (const name of ['signup', 'signin']) {
    await page.goto(`${local}/${name}`);
    await page.screenshot({ path: join(out, `${name}.png`) });
  }
  // "Forgot password?" once asked, and the page its link opens.
  await page.goto(`${local}/forgot`);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await pageNotice(page, /^If an account has that address/);
  await page.screenshot({ path: join(out, 'forgot.png') });
  await page.goto(`${local}/reset?token=from-the-mail`);
  await page.screenshot({ path: join(out, 'reset.png') });
  await page.goto(`${local}/verify?token=from-the-mail`);
  await page.screenshot({ path: join(out, 'verify.png') });
  await page.goto(`${local}/email-link`);
  await page.screenshot({ path: join(out, 'email-link.png') });
  await page.goto(`${local}/change-email?token=from-the-mail`);
  await page.screenshot({ path: join(out, 'change-email.png') });
  // The account page of a member with a passkey and an address to confirm, whole.
  await page.goto(local);
  await signUp(page, 'ada@example.com', 'Ada Lovelace');
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByLabel('Name of a new passkey (optional)').fill('Laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await pageNotice(page, 'Passkey added: you can sign in with it.');
  await page.screenshot({ path: join(out, 'account.png'), fullPage: true });
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
