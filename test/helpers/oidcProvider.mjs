// A real OpenID Connect provider for the tests, run as its own process on
// loopback: oidc-provider (the maintained reference implementation) with
// its development sign-in pages, the clients and accounts the test gives
// (OIDC_CLIENTS, OIDC_ACCOUNTS as JSON), on OIDC_PORT. It prints
// "ready <issuer>" when it listens and stops on SIGTERM.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
/** login -> claims ({ email, email_verified, phone_number, ... }). */
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS ?? '{}');

const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.OIDC_CLIENTS ?? '[]'),
  claims: {
    // A regional gateway's hashed-document claim (what `match: "document"` reads).
    openid: ['sub', 'document_number'],
    email: ['email', 'email_verified'],
    phone: ['phone_number', 'phone_number_verified'],
  },
  async findAccount(_ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  cookies: { keys: ['school-call-test-provider-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
