// A member whose sessions were ended elsewhere ("sign out everywhere", done here in the
// database as an operator would) is told so at the next change, with no retries, and the
// next page shows nothing of the member's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { add, memberSession, names, settled, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

/** A browser context signed in as a new member (row written, session cookie set). */
async function memberBrowser(email) {
  const member = createMember(env.server, email);
  const context = await env.browser.newContext();
  // Host-only, as the server sets it (Chromium refuses a `__Host-` cookie given by URL).
  await context.addCookies([
    {
      name: '__Host-session',
      value: memberSession(member.id, 1),
      domain: new URL(env.server.url).hostname,
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
    },
  ]);
  const page = await context.newPage();
  await page.goto(env.server.url);
  await waitForHydration(page);
  return { member, context, page };
}

/** Ends every session of the member, as "sign out everywhere" does. */
const signOutEverywhere = (member) =>
  env.server.sql(`UPDATE members SET session_version = session_version + 1 WHERE owner_id = ${member.blob};`);

/** A member row, as sign-up will write it; returns the member's id. */
function createMember(server, email) {
  const id = randomUUID();
  const blob = `X'${id.replaceAll('-', '')}'`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, '+00:00');
  server.sql(
    `INSERT INTO owners (id, kind, created_at, last_seen_at, merged_into) VALUES (${blob}, 'member', '${now}', '${now}', NULL);
     INSERT INTO members (owner_id, email, display_name, password_hash, session_version, created_at, updated_at)
       VALUES (${blob}, '${email}', 'Ada', NULL, 1, '${now}', '${now}');`,
  );
  return { id, blob };
}

test('a change after "sign out everywhere" says the session has ended and is not retried', async () => {
  const { member, context, page } = await memberBrowser('ada@example.com');
  assert.equal(await page.locator('.identity .who').textContent(), 'Ada');
  await add(page, '🦉', 'Hoot');

  signOutEverywhere(member);

  let calls = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/roster/create') calls += 1;
  });
  await page.getByLabel('Emoji', { exact: true }).first().fill('🐱');
  await page.getByLabel('Name', { exact: true }).first().fill('Tom');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.getByRole('alert').getByText('Your session has ended').waitFor();
  // The roster stays busy until a change's last retry is over: settled, no retry is left.
  await settled(page);
  assert.equal(calls, 1);
  assert.equal(await page.getByText('Could not reach').count(), 0);
  // The typed name is kept for after signing in again, and nothing was stored.
  assert.equal(await page.getByLabel('Name', { exact: true }).first().inputValue(), 'Tom');
  assert.equal(env.server.sql(`SELECT COUNT(*) FROM avatars WHERE name = 'Tom';`).trim(), '0');
  assert.deepEqual(await names(page), ['Hoot']);
  // Said once, with the reload it asks for: the new page is a guest's, the member's
  // name gone from its header.
  assert.equal(await page.getByRole('alert').filter({ hasText: 'Your session has ended' }).count(), 1);
  await Promise.all([page.waitForEvent('load'), page.getByRole('alert').getByRole('button', { name: 'Reload' }).click()]);
  assert.equal(await page.locator('.identity .who').textContent(), 'Guest');
  assert.deepEqual(await names(page), []);
  await context.close();
});

test('a page read after "sign out everywhere" ends the session and shows nothing of the member', async () => {
  const { member, context, page } = await memberBrowser('bea@example.com');
  await add(page, '🐝', 'Buzz');
  signOutEverywhere(member);
  await page.reload();
  await page.getByText('Your session has ended').waitFor();
  assert.equal(await page.locator('.identity .who').textContent(), 'Guest');
  assert.deepEqual(await names(page), []);
  assert.deepEqual((await context.cookies()).map((c) => c.name), ['__Host-guest']);
  await context.close();
});
