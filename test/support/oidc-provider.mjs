// A real OpenID provider (oidc-provider, a certified implementation) for test/oidc.e2e-spec.ts.
// oidc-provider is ESM-only and Jest cannot import it, so the test runs this file as a child
// process. Everything comes from the environment, so the test can restart it with other keys:
//   OIDC_TEST_PORT      port on 127.0.0.1 (0: a free one)
//   OIDC_TEST_JWKS      {"keys": [...]} with private keys; the first signs
//   OIDC_TEST_AUDIENCES resource indicators the provider issues JWT access tokens for (JSON array)
//   OIDC_TEST_CLIENTS   [{"id", "secret", "email"?, "name"?, "groups"?, "ttl"?}]
// When it listens it prints one line {"issuer": "..."} on stdout.
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

const jwks = JSON.parse(process.env.OIDC_TEST_JWKS);
const audiences = JSON.parse(process.env.OIDC_TEST_AUDIENCES);
const clients = JSON.parse(process.env.OIDC_TEST_CLIENTS);
const byId = new Map(clients.map((c) => [c.id, c]));

const server = createServer();
await new Promise((resolve) =>
  server.listen(Number(process.env.OIDC_TEST_PORT ?? 0), '127.0.0.1', resolve),
);
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  jwks,
  clients: clients.map((c) => ({
    client_id: c.id,
    client_secret: c.secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  })),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audiences[0],
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource, client) => {
        if (!audiences.includes(resource)) throw new errors.InvalidTarget();
        return {
          scope: 'api',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: byId.get(client.clientId)?.ttl ?? 300,
          jwt: { sign: { alg: jwks.keys[0].alg ?? 'RS256' } },
        };
      },
    },
  },
  // The claims a Keycloak access token carries for a user (sub is the client id for this grant).
  extraTokenClaims: (_ctx, token) => {
    const c = byId.get(token.clientId);
    if (!c) return undefined;
    const claims = {};
    if (c.email !== undefined) claims.email = c.email;
    if (c.name !== undefined) claims.name = c.name;
    if (c.groups !== undefined) claims.groups = c.groups;
    return claims;
  },
});
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
