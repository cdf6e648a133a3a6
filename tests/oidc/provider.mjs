// A real OpenID Connect provider for the tests: the npm package `oidc-provider` (a
// certified implementation) on loopback, with its development login and consent pages,
// which the browser tests fill in. Any login is accepted; a login that is an email
// address comes back as that (verified) email, unless it starts with "unverified".
//
//   node tests/oidc/provider.mjs [port]     (default 5556; prints "issuer <url>" when up)
//
// Guestroom is registered as a confidential client with PKCE, `application_type:
// native` so that its loopback callback may be on any port (RFC 8252 §7.3), which lets
// every test server pick a free port.
import Provider from 'oidc-provider';

export const CLIENT_ID = 'guestroom';
export const CLIENT_SECRET = 'guestroom-test-client-secret';

const port = Number(process.argv[2] ?? process.env.OIDC_TEST_PORT ?? 5556);
const issuer = `http://localhost:${port}`;

const nameOf = (login) => {
  const local = login.split('@')[0].replace(/^unverified[-.]?/, '');
  return local.charAt(0).toUpperCase() + local.slice(1);
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/auth/test/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        if (!id.includes('@')) return { sub: id, name: nameOf(id) };
        return { sub: id, email: id, email_verified: !id.startsWith('unverified'), name: nameOf(id) };
      },
    };
  },
  cookies: { keys: ['guestroom-test-provider-cookies'] },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`issuer ${issuer}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
