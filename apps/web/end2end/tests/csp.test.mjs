// The pages run under their Content-Security-Policy: the island hydrates and saves, the
// Show/Hide script runs, and nothing is refused; a script injected without the page's
// nonce does not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, openGuest, until, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

test('pages work under their policy, and an injected script is refused', async () => {
  const { context, page } = await openGuest(env);
  const refusals = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refusals.push(message.text());
  });
  await page.reload();
  await waitForHydration(page);
  await add(page, '🐱', 'Tom');
  await page.goto(`${env.server.url}/signin`);
  const password = page.getByLabel('Password');
  await password.fill('staple battery horse');
  await page.locator('#password + .reveal').click();
  assert.equal(await password.getAttribute('type'), 'text', 'the inline script ran');
  assert.deepEqual(refusals, []);

  // What an injection would do: an inline script without the nonce.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
  });
  assert.equal(await page.evaluate(() => window.injected), undefined);
  await until(() => refusals.length > 0, 'the refusal on the console');
  assert.equal(refusals.length, 1, refusals.join('\n'));
  await context.close();
});
