// "Continue on another device": a guest makes a short code (and a QR code of a link with
// it) on one device; on another, the link or the typed code makes that browser the same
// guest, its own avatars appended. Once: the code then works for nobody. With JavaScript
// on and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, addWithoutScript, axeViolations, names, openGuest, pageNotice, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();

/** Makes a code from the roster page's retention note; the code as the page shows it. */
async function makeCode(page) {
  await page.getByRole('link', { name: 'Continue on another device' }).click();
  await page.getByRole('button', { name: 'Make a code' }).click();
  const code = (await page.locator('.device-code strong').textContent()).trim();
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.equal(await page.locator('.device-qr svg').count(), 1, 'the QR code');
  return code;
}

test('with JavaScript, the link of a code makes another browser the same guest, once, its avatars appended', async () => {
  const laptop = await openGuest(env);
  await add(laptop.page, '🐱', 'Tom');
  const code = await makeCode(laptop.page);
  assert.deepEqual(await axeViolations(laptop.page), [], '/device with a code');

  const phone = await openGuest(env);
  await add(phone.page, '🦉', 'Owl');
  await phone.page.goto(`${env.server.url}/device?code=${code}`);
  assert.equal(await phone.page.getByLabel('Code').inputValue(), code, 'filled in from the link');
  await phone.page.getByRole('button', { name: 'Continue here' }).click();
  await pageNotice(phone.page, "You are the same guest here as on your other device. This browser's 1 avatar came along.");
  assert.deepEqual(await names(phone.page), ['Tom', 'Owl']);
  await laptop.page.goto(env.server.url);
  assert.deepEqual(await names(laptop.page), ['Tom', 'Owl'], 'one guest on both');

  const third = await openGuest(env);
  await third.page.goto(`${env.server.url}/device?code=${code}`);
  await third.page.getByRole('button', { name: 'Continue here' }).click();
  await third.page.locator('#device_code-error', { hasText: 'That code does not work' }).waitFor();
  assert.deepEqual(await axeViolations(third.page), [], '/device, refused');
  await Promise.all([laptop.context.close(), phone.context.close(), third.context.close()]);
});

test('without JavaScript, a typed code works the same', async () => {
  const laptop = await openGuest(env, { javaScriptEnabled: false });
  await addWithoutScript(laptop.page, '🐱', 'Tom');
  const code = await makeCode(laptop.page);

  const phone = await openGuest(env, { javaScriptEnabled: false });
  await phone.page.goto(`${env.server.url}/device`);
  await phone.page.getByLabel('Code').fill(code.toLowerCase().replace('-', ' '));
  await phone.page.getByRole('button', { name: 'Continue here' }).click();
  await pageNotice(phone.page, 'You are the same guest here as on your other device.');
  assert.deepEqual(await names(phone.page), ['Tom']);
  await Promise.all([laptop.context.close(), phone.context.close()]);
});
