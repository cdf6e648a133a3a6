// One merge for every way to sign in, in the browser: {password sign-up, password
// sign-in, the provider, passkey sign-up, passkey sign-in} × {a new account, an account
// with avatars, an empty account} (each where it applies) × {JavaScript on, off}
// (passkeys need it on). In every cell the guest's two avatars come along once, after
// the account's own, and the guest is retired: a copy of its cookie loading the page
// afterwards is a new, empty guest. (The sign-in link, its code and the reset link are
// the server's HTTP matrix, tests/api/matrix.rs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, addWithoutScript, cameAlong, memberWithPasskey, names, openGuest, openWithAuthenticator, signIn, signInAtProvider,
  signInWithPasskey, signUp, testProvider, useServerAndBrowser,
} from '../support.mjs';

const env = useServerAndBrowser(testProvider());
const run = Date.now().toString(36);
let people = 0;
const newEmail = () => `matrix${(people += 1)}@${run}.example.com`;

/** "Continue with Test ID" from the sign-in page, then the provider's pages. */
async function continueWithProvider(page, email) {
  await page.goto(new URL('/signin', page.url()).href);
  await page.getByRole('button', { name: 'Continue with Test ID' }).click();
  await signInAtProvider(page, email);
  await cameAlong(page);
}

/** An account at `email` with the avatars `own`, made in a browser of its own by `make`. */
async function elsewhere(make, email, own) {
  const owner = await openGuest(env);
  await make(owner.page, email);
  for (const name of own) await add(owner.page, '🦉', name);
  await owner.context.close();
}

/**
 * Each path: the cases it meets, whether it works without JavaScript, the guest's browser
 * (with the account made first when the case has one), and how that guest signs in.
 */
const paths = {
  'password sign-up': {
    cases: ['new'],
    open: (options) => openGuest(env, options),
    enter: (page, email) => signUp(page, email),
  },
  'password sign-in': {
    cases: ['with avatars', 'empty'],
    open: async (options, email, own) => { await elsewhere(signUp, email, own); return openGuest(env, options); },
    enter: async (page, email) => { await signIn(page, email); await cameAlong(page); },
  },
  provider: {
    cases: ['new', 'with avatars', 'empty'],
    open: async (options, email, own) => {
      if (own) await elsewhere(continueWithProvider, email, own);
      return openGuest(env, options);
    },
    enter: continueWithProvider,
  },
  'passkey sign-up': {
    cases: ['new'],
    scriptOnly: true,
    open: () => openWithAuthenticator(env),
    enter: async (page, email) => {
      await page.getByRole('link', { name: 'Create account' }).click();
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Create account with a passkey instead' }).click();
      await cameAlong(page);
    },
  },
  'passkey sign-in': {
    cases: ['with avatars', 'empty'],
    scriptOnly: true,
    // The passkey lives in this browser's authenticator: the account is made here, and
    // its sign-out leaves a new guest.
    open: async (_, email, own) => {
      const browser = await openWithAuthenticator(env);
      await memberWithPasskey(browser.page, email, '', own);
      return browser;
    },
    enter: async (page) => { await signInWithPasskey(page); await cameAlong(page); },
  },
};

for (const [path, { cases, scriptOnly, open, enter }] of Object.entries(paths)) {
  for (const kind of cases) {
    for (const javaScriptEnabled of scriptOnly ? [true] : [true, false]) {
      test(`${path} × ${kind} account × JavaScript ${javaScriptEnabled ? 'on' : 'off'}: one merge, in order, the guest retired`, async () => {
        const email = newEmail();
        const own = { new: null, 'with avatars': ['Owl', 'Fox'], empty: [] }[kind];
        const guest = await open({ javaScriptEnabled }, email, own);
        for (const name of ['Tom', 'Rex']) await (javaScriptEnabled ? add : addWithoutScript)(guest.page, '🐱', name);
        const guestCookies = await guest.context.cookies();

        await enter(guest.page, email);
        assert.deepEqual(await names(guest.page), [...(own ?? []), 'Tom', 'Rex'], 'once, after the account’s own');
        const left = (await guest.context.cookies()).map((cookie) => cookie.name);
        assert.ok(!left.includes('__Host-guest') && left.includes('__Host-session'), left.join());

        const copy = await env.browser.newContext({ javaScriptEnabled: false });
        await copy.addCookies(guestCookies.filter((cookie) => cookie.name === '__Host-guest'));
        const page = await copy.newPage();
        await page.goto(new URL('/', guest.page.url()).href);
        assert.deepEqual(await names(page), [], 'a copy of the retired guest reads nothing');
        await copy.close();
        await guest.context.close();
      });
    }
  }
}
