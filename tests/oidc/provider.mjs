// A real OpenID Connect provider on loopback for the sign-in tests
// (tests/oidc_provider.py starts it): the npm package oidc-provider, an
// OpenID Certified implementation, configured the way HelseID and Entra ID
// register the tracker: a confidential client authenticating with
// private_key_jwt, PKCE S256, pushed authorization requests allowed,
// RP-initiated logout.
//
// Environment: PORT, RP_ORIGIN (the tracker's origin, for its redirect URIs),
// CLIENT_JWKS (the tracker's public key set, JSON), CLIENT_SECRET (for the
// client that uses a secret instead).
//
// Two clients exist to prove that the tracker refuses what it must: the ID
// tokens given to "tracker-wrong-aud" name another audience, those given to
// "tracker-expired" expired ten minutes ago. Both are re-signed with the
// provider's own key, so only the claim is wrong.
//
// Accounts: any login signs in (the development login form); the account's
// groups claim comes from the table below.
import http from "node:http";

import * as jose from "jose";
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const rp = process.env.RP_ORIGIN;
const clientJwks = JSON.parse(process.env.CLIENT_JWKS);

const GROUPS = {
  sekretaer: ["grp-sekretariat"],
  godkjenner: ["grp-godkjenner"],
  leder: ["grp-admin"],
  raad: ["grp-rad"],
  flere: ["grp-rad", "grp-godkjenner", "grp-ukjent"],
};

const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
const signingJwk = {
  ...(await jose.exportJWK(privateKey)),
  kid: `op-${Date.now().toString(36)}`,
  alg: "RS256",
  use: "sig",
};

function client(clientId, extra = {}) {
  return {
    client_id: clientId,
    token_endpoint_auth_method: "private_key_jwt",
    token_endpoint_auth_signing_alg: "RS256",
    jwks: clientJwks,
    redirect_uris: [`${rp}/login/oidc/callback/`],
    post_logout_redirect_uris: [`${rp}/login/`],
    response_types: ["code"],
    grant_types: ["authorization_code"],
    ...extra,
  };
}

const TAMPERED = {
  "tracker-wrong-aud": (claims) => ({ ...claims, aud: "another-application" }),
  "tracker-expired": (claims) => ({
    ...claims,
    iat: claims.iat - 1200,
    exp: Math.floor(Date.now() / 1000) - 600,
  }),
};

const provider = new Provider(issuer, {
  clients: [
    client("tracker"),
    client("tracker-wrong-aud"),
    client("tracker-expired"),
    client("tracker-secret", {
      token_endpoint_auth_method: "client_secret_basic",
      token_endpoint_auth_signing_alg: undefined,
      client_secret: process.env.CLIENT_SECRET || "not-used-here-0123456789",
      jwks: undefined,
    }),
  ],
  jwks: { keys: [signingJwk] },
  claims: {
    openid: ["sub"],
    profile: ["name", "given_name", "family_name", "preferred_username"],
    email: ["email", "email_verified"],
    groups: ["groups"],
  },
  // The claims asked for by scope go into the ID token too (as Entra ID and
  // HelseID put them there), not only to the userinfo endpoint.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    pushedAuthorizationRequests: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  ttl: { IdToken: 3600, AccessToken: 600, AuthorizationCode: 60, Session: 3600 },
  // A first-party application: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope || "openid");
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: `Test ${id}`,
          given_name: "Test",
          family_name: id,
          preferred_username: id,
          email: `${id}@example.org`,
          email_verified: true,
          groups: GROUPS[id] || [],
        };
      },
    };
  },
});

const signingKey = await jose.importJWK(signingJwk, "RS256");

// The tampered clients' ID tokens: decoded, changed, signed again.
provider.use(async (ctx, next) => {
  await next();
  const tamper = TAMPERED[ctx.oidc?.client?.clientId];
  if (ctx.path === "/token" && tamper && ctx.body?.id_token) {
    const claims = tamper(jose.decodeJwt(ctx.body.id_token));
    ctx.body.id_token = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: signingJwk.kid, typ: "JWT" })
      .sign(signingKey);
  }
});

http.createServer(provider.callback()).listen(port, "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
