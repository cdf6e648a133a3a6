// Takes the README's screenshots of the roster, in light and dark mode and at phone width
// (390 px, light), and of the sign-up and account pages, from a running release build (after
// scripts/build.sh --release):
//   GUESTROOM_BIN=… LEPTOS_SITE_ROOT=… node scripts/screenshots.mjs docs/screenshots
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { add, launchBrowser, row, signUp, startServer, waitForHydration } from '../apps/web/end2end/support.mjs';

const out = process.argv[2] ?? 'docs/screenshots';
mkdirSync(out, { recursive: true });
const server = await startServer();
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
    // The phone shot shows the whole page: the form, then rows whose controls wrap.
    await page.screenshot({ path: join(out, `roster-${name}.png`), fullPage: name === 'phone' });
    await context.close();
  }
  // The sign-up page, as a guest with avatars sees it.
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 720, height: 560 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/signup`);
  await page.screenshot({ path: join(out, 'signup.png') });
  // The account page of a member, whole.
  await page.goto(server.url);
  await signUp(page, 'ada@example.com', 'Ada Lovelace');
  await page.getByRole('link', { name: 'Account' }).click();
  await page.screenshot({ path: join(out, 'account.png'), fullPage: true });
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
