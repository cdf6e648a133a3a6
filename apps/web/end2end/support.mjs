// What every browser test needs: a fresh Guestroom server (its own SQLite file, a free
// port) and Debian's Chromium driven by playwright-core.
//
// GUESTROOM_E2E_DATABASE_URL=postgres://… runs the servers on that database instead.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const SERVER = process.env.GUESTROOM_BIN;
const SITE_ROOT = process.env.LEPTOS_SITE_ROOT;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts the server binary on port 0 and resolves once it prints the URL it serves. */
export async function startServer() {
  if (!SERVER || !SITE_ROOT) {
    throw new Error('GUESTROOM_BIN and LEPTOS_SITE_ROOT must be set (scripts/test.sh sets them)');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'guestroom-e2e-'));
  const child = spawn(SERVER, [], {
    env: {
      ...process.env,
      PORT: '0',
      // SQLite in a fresh file, unless a run is pointed at a server (PostgreSQL in CI):
      // every test is another browser context, so another guest with its own rows.
      DATABASE_URL: process.env.GUESTROOM_E2E_DATABASE_URL ?? `sqlite://${join(dataDir, 'e2e.db')}?mode=rwc`,
      LEPTOS_SITE_ROOT: SITE_ROOT,
      AUTH_SECRET: 'end-to-end-test-secret-0123456789abcdef',
      RUST_LOG: 'warn,guestroom=info',
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const url = await new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = log.match(/serving (http:\/\/[\d.]+:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  child.stderr.resume();
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
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

/** The avatar names on the page, in order. */
export const names = (page) => page.locator('.avatar-name').allTextContents();

/** The list item of the avatar called `name`. */
export const row = (page, name) =>
  page.locator('.avatar', { has: page.locator('.avatar-name', { hasText: name }) });

/**
 * Resolves once no change is on its way to the server (the roster is `data-busy` from a
 * click until the server has answered and the list has been fetched again): the page's
 * optimistic state is then the stored one.
 */
export async function settled(page) {
  await page.waitForSelector('.roster-body[data-busy="false"]');
}

/** Adds an avatar through the form and waits until it is saved. */
export async function add(page, emoji, name) {
  await page.getByLabel('Emoji', { exact: true }).first().fill(emoji);
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByRole('button', { name: 'Add avatar' }).click();
  await row(page, name).waitFor();
  await settled(page);
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
 * For a test file: a server and a browser started before its tests and stopped after.
 * Returns an object whose `server` and `browser` are set once `before` has run.
 */
export function useServerAndBrowser() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
