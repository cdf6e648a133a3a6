// What every browser test needs: a fresh Guestroom server (its own SQLite file, a free
// port) and Debian's Chromium driven by playwright-core.
//
// GUESTROOM_E2E_DATABASE_URL=postgres://… runs the servers on that database instead.
import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach } from 'node:test';
import { chromium } from 'playwright-core';

import { launch } from '../../../tests/server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The `AUTH_SECRET` every test server runs with, so tests can make tokens it accepts. */
export const AUTH_SECRET = 'Zm9M1tbnqHVdfrwTlf0rBrz3VhaV9wP2uHkr3U1n5Ds=';

/** Starts the server on port 0 and resolves once it prints the URL it serves. */
export async function startServer(extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'guestroom-e2e-'));
  const sqliteFile = process.env.GUESTROOM_E2E_DATABASE_URL ? null : join(dataDir, 'e2e.db');
  const server = await launch({
    env: {
      // SQLite in a fresh file, unless a run is pointed at a server (PostgreSQL in CI):
      // every test is another browser context, so another guest with its own rows.
      DATABASE_URL: process.env.GUESTROOM_E2E_DATABASE_URL ?? `sqlite://${sqliteFile}?mode=rwc`,
      AUTH_SECRET,
      // Mail through the SMTP server scripts/test.sh starts (maildev); without one, into
      // files in this server's folder.
      ...(process.env.GUESTROOM_TEST_SMTP_URL ? { SMTP_URL: process.env.GUESTROOM_TEST_SMTP_URL } : {}),
      MAIL_OUTBOX: join(dataDir, 'outbox'),
      ...extraEnv,
    },
    output: 'inherit',
  });
  return {
    url: server.url,
    /** Runs SQL on the server's SQLite file (Debian's `sqlite3`), as an operator would. */
    sql(statement) {
      if (!sqliteFile) throw new Error('sql() needs the SQLite database');
      return execFileSync('sqlite3', [sqliteFile, statement], { encoding: 'utf8' });
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

/**
 * A member session cookie value the server accepts: JWE compact, `dir` + `A256GCM`, with
 * the key derived from `AUTH_SECRET` as the identity crate derives it (HKDF-SHA256).
 */
export function memberSession(memberId, version) {
  const key = Buffer.from(
    hkdfSync('sha256', AUTH_SECRET, 'guestroom/identity/v1', 'member-session/A256GCM', 32),
  );
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: memberId, ver: version, iat: now, exp: now + 86_400, auth_time: now };
  const header = base64url(JSON.stringify({ alg: 'dir', enc: 'A256GCM' }));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(claims)), cipher.final()]);
  return [header, '', base64url(iv), base64url(ciphertext), base64url(cipher.getAuthTag())].join('.');
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    logger: { isEnabled: (name) => name === 'api', log: (_name, _severity, message) => recordCall(message) },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Resolves once the wasm bundle has hydrated the page. */
export async function waitForHydration(page) {
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
}

/** The avatar names on the page, in order (not the deleted ones still shown with "Undo"). */
export const names = (page) => page.locator('.avatar:not(.gone) .avatar-name').allTextContents();

/** The list item of the avatar called `name` (not a deleted one). */
export const row = (page, name) =>
  page.locator('.avatar:not(.gone)', { has: page.locator('.avatar-name', { hasText: name }) });

/**
 * Resolves once no change is on its way to the server (the roster is `data-busy` from a
 * click until the server has answered and the list has been fetched again): the page's
 * optimistic state is then the stored one.
 */
export async function settled(page) {
  await page.waitForSelector('.roster-body[data-busy="false"]');
}

/** Resolves once `condition()` holds, looking every 20 ms; throws after `ms`. */
export async function until(condition, what, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Adds an avatar through the form and waits until it is saved. */
export async function add(page, emoji, name) {
  await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await row(page, name).waitFor();
  await settled(page);
}

/** Adds an avatar through the plain form (JavaScript off): the post, then the page again. */
export async function addWithoutScript(page, emoji, name) {
  await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await page.waitForLoadState();
}

/**
 * A new browser (a new guest) on `env`'s app at `localhost`, with a virtual authenticator;
 * `credentials()` lists what it holds. The virtual authenticator answers at once, so on
 * the sign-in page it would accept the email field's passkey autofill (conditional UI)
 * as a person picking the passkey would: unless `autofill` is asked for, the browser
 * says it has no such autofill, and only the button signs in.
 */
export async function openWithAuthenticator(env, { autofill = false, ...options } = {}) {
  const context = await env.browser.newContext(options);
  if (!autofill) {
    await context.addInitScript(() => {
      if (window.PublicKeyCredential) PublicKeyCredential.isConditionalMediationAvailable = async () => false;
    });
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await page.goto(env.server.url.replace('127.0.0.1', 'localhost'));
  if (options.javaScriptEnabled !== false) await waitForHydration(page);
  const credentials = async () =>
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  return { context, page, credentials };
}

/** Signs up with a password (and adds the avatars `own`), adds a passkey, and signs out:
 * a guest again. */
export async function memberWithPasskey(page, email, name, own = []) {
  await signUp(page, email, name);
  for (const avatar of own) await add(page, '🦉', avatar);
  await page.goto(new URL('/account', page.url()).href);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await pageNotice(page, 'Passkey added: you can sign in with it.');
  await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
  await page.getByText('No avatars yet').waitFor();
}

/** "Sign in with a passkey" on the sign-in page. */
export async function signInWithPasskey(page) {
  await page.goto(new URL('/signin', page.url()).href);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
}

/**
 * The settings of the test OpenID Connect provider that `scripts/test.sh` starts
 * (`tests/oidc/provider.mjs`), as provider `test`, "Test ID" on its button.
 */
export function testProvider() {
  const issuer = process.env.GUESTROOM_TEST_OIDC_ISSUER;
  if (!issuer) throw new Error('GUESTROOM_TEST_OIDC_ISSUER must be set (scripts/test.sh starts the provider)');
  return {
    OIDC_PROVIDERS: 'test',
    OIDC_TEST_ISSUER: issuer,
    OIDC_TEST_CLIENT_ID: 'guestroom',
    OIDC_TEST_CLIENT_SECRET: 'guestroom-test-client-secret',
    OIDC_TEST_NAME: 'Test ID',
  };
}

/**
 * At the test provider's own pages: signs in as `login` (an email address comes back as
 * that verified email) on its development login page, unless this browser is signed in
 * there already, then gives consent.
 */
export async function signInAtProvider(page, login) {
  const loginField = page.locator('input[name="login"]');
  const consent = page.getByRole('button', { name: 'Continue' });
  await loginField.or(consent).first().waitFor();
  if (await loginField.isVisible()) {
    await loginField.fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }
  await consent.click();
}

// Evaluated through DevTools rather than added as a <script>: the page's
// Content-Security-Policy refuses inline scripts without its nonce, as it should.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The page's axe-core violations, as readable lines. */
export async function axeViolations(page) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return found.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The password of the accounts the tests make. */
export const PASSWORD = 'staple battery horse';

/** Creates an account from the page's header link, and waits for the roster after it. */
export async function signUp(page, email, displayName = '') {
  await page.getByRole('link', { name: 'Create account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Display name (optional)').fill(displayName);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await cameAlong(page);
}

/**
 * Waits for the notice at the top of the page (account/notice.rs) to say `text`: a
 * string, said exactly, or a regular expression.
 */
export async function pageNotice(page, text) {
  const exactly = typeof text === 'string' ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : text;
  await page.locator('.page-notice', { hasText: exactly }).waitFor().catch(async (error) => {
    // Where the page is and what it says instead, so that a failure can be read.
    const said = await page.locator('.page-notice, [role=alert]').allTextContents().catch(() => []);
    throw new Error(`${error.message}\n  at ${page.url()}, the page says: ${JSON.stringify(said)}`);
  });
}

/**
 * Waits for the roster after a sign-up or sign-in, at a clean URL, saying that `count`
 * avatars came along (any number when it is left out).
 */
export async function cameAlong(page, count) {
  const said = {
    undefined: /^You are signed in\./,
    0: 'You are signed in.',
    1: 'You are signed in. Your avatar came along.',
  }[count] ?? `You are signed in. Your ${count} avatars came along.`;
  await pageNotice(page, said);
  const url = new URL(page.url());
  if (url.pathname !== '/' || url.search !== '') throw new Error(`signed in at ${page.url()}, not a clean /`);
}

/**
 * The mails with `subject` maildev (started by `scripts/test.sh`) received for `to`,
 * oldest first, once at least `count` arrived (waits up to 10 s).
 */
export async function mailsTo(to, subject, count = 1) {
  const api = process.env.GUESTROOM_TEST_MAILDEV;
  if (!api) throw new Error('GUESTROOM_TEST_MAILDEV must be set (scripts/test.sh starts maildev)');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const all = await (await fetch(`${api}/email`)).json();
    const mine = all.filter((mail) => mail.subject === subject && mail.to.some((address) => address.address === to));
    if (mine.length >= count) return mine;
    if (Date.now() > deadline) throw new Error(`waited 10 s for ${count} mails "${subject}" to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens the confirmation link mailed to `email` in `page` and confirms the address. */
export async function confirmEmail(page, email) {
  const [mail] = await mailsTo(email, 'Confirm your email');
  await page.goto(linkIn(mail));
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await pageNotice(page, 'Your email is confirmed.');
}

/** The link in a mail's plain-text body. */
export const linkIn = (mail) => mail.text.split('\n').find((line) => line.startsWith('http'));

/** Fills and sends the sign-in form (what follows is the test's to check). */
export async function signIn(page, email, password = PASSWORD) {
  await page.goto(new URL('/signin', page.url()).href);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** A new browser context (a new guest) with one page on the app, hydrated. */
export async function openGuest(env, options = {}) {
  const context = await env.browser.newContext(options);
  const page = await context.newPage();
  await page.goto(env.server.url);
  if (options.javaScriptEnabled !== false) await waitForHydration(page);
  return { context, page };
}

/**
 * For a test file: a server (with `extraEnv` set) and a browser started before its tests
 * and stopped after. Returns an object whose `server` and `browser` are set once `before`
 * has run.
 */
export function useServerAndBrowser(extraEnv = {}) {
  const env = {};
  before(async () => {
    env.server = await startServer(extraEnv);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  let watchdog;
  beforeEach(() => {
    watchdog = setTimeout(() => {
      console.error(`a test still running after ${STUCK_MS / 1000} s; the browser calls last made:\n${calls.join('\n')}`);
    }, STUCK_MS);
  });
  afterEach(() => clearTimeout(watchdog));
  return env;
}

/**
 * Playwright's log of the calls made to the browser, the last 30: said when a test is
 * still running after `STUCK_MS` (the longest takes about 5 s). A test once hung in CI
 * until its file's 10-minute limit (offline.test.mjs, four times), and the runner's
 * report cannot say where; the call that never returned is the last one started here.
 */
const calls = [];
const STUCK_MS = 60_000;

function recordCall(message) {
  calls.push(`${new Date().toISOString().slice(11, 23)} ${message}`);
  if (calls.length > 30) calls.shift();
}

/**
 * One GET as a browser would send it for a page (or with `headers`, say a cookie and
 * `accept`); resolves to the status, headers and raw body.
 */
export function fetchRaw(url, encoding = 'br, gzip', headers = {}) {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': encoding, accept: 'text/html,*/*', ...headers } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

/**
 * The first load of `/` at `base` on the wire, as a browser that accepts `encoding` gets
 * it: the page, then every `/pkg/` file it names (JS, wasm, CSS). Resolves to
 * `{ page, files: [{ path, response }], total }` (sizes as sent).
 */
export async function firstLoad(base, encoding = 'br, gzip') {
  const page = await fetchRaw(`${base}/`, encoding);
  const decode = page.headers['content-encoding'] === 'br' ? brotliDecompressSync : gunzipSync;
  const html = decode(page.body).toString();
  const paths = [...new Set(html.match(/\/pkg\/[\w.-]+/g))];
  const files = [];
  for (const path of paths) files.push({ path, response: await fetchRaw(`${base}${path}`, encoding) });
  const total = files.reduce((sum, file) => sum + file.response.body.length, page.body.length);
  return { page, files, total };
}
