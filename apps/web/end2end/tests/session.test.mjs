// A member whose sessions were ended elsewhere ("sign out everywhere", done here in the
// database as an operator would) is told so at the next change, with no retries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { add, memberSession, names, settled, useServerAndBrowser, waitForHydration } from '../support.mjs';

const env = useServerAndBrowser();

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
  const member = createMember(env.server, 'ada@example.com');
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
  assert.equal(await page.locator('.identity .who').textContent(), 'Ada');
  await add(page, '🦉', 'Hoot');

  env.server.sql(`UPDATE members SET session_version = session_version + 1 WHERE owner_id = ${member.blob};`);

  let calls = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/roster/create') calls += 1;
  });
  await page.getByLabel('Emoji', { exact: true }).first().fill('🐱');
  await page.getByLabel('Name', { exact: true }).first().fill('Tom');
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.getByRole('alert').getByText('Your session has ended').waitFor();
  await settled(page);
  // Give a retry time to show up: the schedule's first one would come after 250 ms.
  await page.waitForTimeout(800);
  assert.equal(calls, 1);
  assert.equal(await page.getByText('Could not reach').count(), 0);
  // The typed name is kept for after signing in again, and nothing was stored.
  assert.equal(await page.getByLabel('Name', { exact: true }).first().inputValue(), 'Tom');
  assert.equal(env.server.sql(`SELECT COUNT(*) FROM avatars WHERE name = 'Tom';`).trim(), '0');
  assert.deepEqual(await names(page), ['Hoot']);
  await context.close();
});
