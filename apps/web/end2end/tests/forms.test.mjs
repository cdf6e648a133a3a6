// The roster's forms and layout as a careful person expects them: every refusal of a form
// at once and heard, a refusal of the whole form once and across the card, the edit
// form's Save level with its fields, a header that does not move on sign-in, and targets
// a finger can hit on a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, openGuest, row, settled, signUp, useServerAndBrowser } from '../support.mjs';

const env = useServerAndBrowser();

const errorOf = (page, id) => page.locator(`#${id}-error`).textContent();

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? '' : ', without JavaScript';
  test(`an empty add form says what both fields need, at once, and focuses the first${how}`, async () => {
    const { context, page } = await openGuest(env, { javaScriptEnabled });
    await page.getByRole('button', { name: 'Add avatar' }).click();
    await page.locator('#new-name-error', { hasText: 'Name cannot be empty.' }).waitFor();
    assert.equal(await errorOf(page, 'new-emoji'), 'Choose an emoji.');
    assert.equal(await page.locator('#new-emoji').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#new-name').getAttribute('aria-invalid'), 'true');
    await page.waitForFunction(() => document.activeElement?.id === 'new-emoji');
    if (javaScriptEnabled) {
      // Heard too, from the page's live region.
      await settled(page);
      assert.equal(
        await page.locator('.roster-body > [role=status]').textContent(),
        'Not added: Choose an emoji. Name cannot be empty.',
      );
    }
    await context.close();
  });
}

test('a refusal of the whole add form is shown once, across the card', async () => {
  const { context, page } = await openGuest(env);
  // A refusal, not a failure to reach the server (a change then waits and is sent again).
  await page.route('**/api/roster/create', (route) =>
    route.fulfill({ status: 429, contentType: 'application/json', body: '"too_many_requests/30"' }),
  );
  await page.getByLabel('Emoji', { exact: true }).fill('🐧');
  await page.getByLabel('Name', { exact: true }).fill('Pingu');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  // Shown once (and said once, by the live region).
  const refusal = page.locator('main [role=alert]', { hasText: 'Too many attempts — try again in 30 seconds.' });
  await refusal.first().waitFor();
  await settled(page);
  assert.equal(await refusal.count(), 1);
  const card = await page.locator('form.add').boundingBox();
  const box = await refusal.boundingBox();
  // The card's width less its padding (1rem each side), not its 9rem first column.
  assert.ok(box.width >= card.width - 34, `${box.width} of ${card.width}`);
  await context.close();
});

test("the edit form's Save is level with its fields", async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐱', 'Tom');
  await row(page, 'Tom').getByText('Edit').click();
  const save = await row(page, 'Tom').getByRole('button', { name: 'Save' }).boundingBox();
  const name = await row(page, 'Tom').getByLabel('Name').boundingBox();
  assert.ok(Math.abs(save.y - name.y) <= 1, `Save at ${save.y}, the name field at ${name.y}`);
  await context.close();
});

test('signing in does not change the height of the header', async () => {
  const { context, page } = await openGuest(env);
  const guest = await page.locator('header.top').boundingBox();
  await signUp(page, `header-${process.pid}@example.com`, 'Ada');
  const member = await page.locator('header.top').boundingBox();
  assert.equal(member.height, guest.height);
  await context.close();
});

test('on a phone every control of the roster is at least 44 px each way', async () => {
  const { context, page } = await openGuest(env, { viewport: { width: 390, height: 844 } });
  await add(page, '🐱', 'Tom');
  await add(page, '🐶', 'Rex');
  await row(page, 'Tom').getByText('Edit').click();
  // The picker open too: its categories are targets as well.
  await page.getByRole('button', { name: 'Choose an emoji for the new avatar' }).click();
  await page.getByRole('option').first().waitFor();
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('main button, main input, main summary, header button')]
      .filter((element) => element.checkVisibility({ visibilityProperty: true }))
      .map((element) => [element.getAttribute('aria-label') ?? element.textContent.trim() ?? element.id, element.getBoundingClientRect()])
      .filter(([, box]) => box.width < 44 || box.height < 44)
      .map(([name, box]) => `${name}: ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
  assert.deepEqual(small, []);
  await context.close();
});

test('without JavaScript a refused add comes back at a clean URL with what was typed, once', async () => {
  const { context, page } = await openGuest(env, { javaScriptEnabled: false });
  const long = 'x'.repeat(41);
  await page.getByLabel('Emoji', { exact: true }).fill('🦉');
  await page.getByLabel('Name', { exact: true }).fill(long);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.locator('#new-name-error', { hasText: 'at most 40' }).waitFor();
  assert.equal(page.url(), `${env.server.url}/`);
  assert.equal(await page.getByLabel('Emoji', { exact: true }).inputValue(), '🦉');
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), long);
  await page.reload();
  assert.equal(await errorOf(page, 'new-name'), '');
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), '');
  await context.close();
});

test('a form posted before the island is live comes back refused with what was typed, and the island takes it from there', async () => {
  const { context, page } = await openGuest(env);
  // The island cannot start on this page: its add form posts as a plain form.
  await page.route('**/*_bg.wasm', (route) => route.abort());
  await page.reload();
  const long = 'x'.repeat(41);
  await page.getByLabel('Emoji', { exact: true }).fill('🦉');
  await page.getByLabel('Name', { exact: true }).fill(long);
  await page.unroute('**/*_bg.wasm');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  // The page that comes back is hydrated with the refusal the server wrote into it.
  await page.locator('[data-hydrated="true"]').waitFor();
  assert.equal(page.url(), `${env.server.url}/`);
  assert.match(await errorOf(page, 'new-name'), /at most 40/);
  assert.equal(await page.getByLabel('Emoji', { exact: true }).inputValue(), '🦉');
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), long);
  await page.getByLabel('Name', { exact: true }).fill('Hedwig');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await row(page, 'Hedwig').waitFor();
  await settled(page);
  assert.equal(await errorOf(page, 'new-name'), '');
  await context.close();
});

test('without JavaScript a refused edit opens again with what was typed, focused, at a clean URL', async () => {
  const { context, page } = await openGuest(env, { javaScriptEnabled: false });
  await page.getByLabel('Emoji', { exact: true }).fill('🐱');
  await page.getByLabel('Name', { exact: true }).fill('Tom');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await row(page, 'Tom').getByText('Edit').click();
  await row(page, 'Tom').getByLabel('Emoji', { exact: true }).fill('x');
  await row(page, 'Tom').getByLabel('Name').fill('Thomas');
  await row(page, 'Tom').getByRole('button', { name: 'Save' }).click();
  await row(page, 'Tom').locator('.field-error', { hasText: 'That is not an emoji we know.' }).waitFor();
  assert.equal(page.url(), `${env.server.url}/`);
  assert.equal(await row(page, 'Tom').locator('details').getAttribute('open'), '');
  assert.equal(await row(page, 'Tom').getByLabel('Emoji', { exact: true }).inputValue(), 'x');
  assert.equal(await row(page, 'Tom').getByLabel('Name').inputValue(), 'Thomas');
  assert.equal(await page.evaluate(() => document.activeElement?.value), 'x');
  // Nothing was stored; once seen, the refusal is gone.
  await page.reload();
  assert.equal(await row(page, 'Tom').locator('details').getAttribute('open'), null);
  assert.equal(await row(page, 'Tom').getByLabel('Name').inputValue(), 'Tom');
  await context.close();
});

test('each name field says its length limit before it is broken, and is described by it', async () => {
  const { context, page } = await openGuest(env);
  const hint = (id) => page.locator(`#${id}`).getAttribute('aria-describedby');
  assert.equal(await hint('new-name'), 'new-name-hint new-name-error');
  assert.equal(await page.locator('#new-name-hint').textContent(), 'Up to 40 characters.');
  await page.goto(`${env.server.url}/signup`);
  assert.match(await page.locator('#display_name-hint').textContent(), /^Up to 80 characters\./);
  assert.equal(await hint('display_name'), 'display_name-hint display_name-error');
  await context.close();
});

test('an edit is closed by Escape or Cancel, back on "Edit"; one deleted in another tab says so', async () => {
  const { context, page } = await openGuest(env);
  await add(page, '🐱', 'Tom');
  const editor = row(page, 'Tom').locator('details');
  await row(page, 'Tom').getByText('Edit').click();
  await row(page, 'Tom').getByLabel('Name').press('Escape');
  assert.equal(await editor.getAttribute('open'), null);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Edit Tom');
  await row(page, 'Tom').getByText('Edit').click();
  await row(page, 'Tom').getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await editor.getAttribute('open'), null);

  // Another tab deletes Tom while this one edits him.
  await row(page, 'Tom').getByText('Edit').click();
  const other = await context.newPage();
  await other.goto(env.server.url);
  await other.locator('[data-hydrated=true]').waitFor();
  await other.getByRole('button', { name: 'Delete Tom' }).click();
  await settled(other);
  await page.locator('[role=alert]', { hasText: 'That avatar no longer exists.' }).waitFor();
  await context.close();
});
