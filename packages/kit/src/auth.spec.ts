import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { calculateJwkThumbprint, decodeProtectedHeader, SignJWT, importJWK, type JWK } from 'jose';
import {
  bearerToken,
  generateSigningKey,
  parseJwk,
  publicJwk,
  requireAdmin,
  requireSellerOrAdmin,
  requireCaller,
  requireService,
  UserTokenIssuer,
  UserTokenVerifier,
} from './auth.js';
import type { AppError } from './errors.js';

const audience = { JWT_ISSUER: 'shop-user', JWT_AUDIENCE: 'shop' };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = { userId: 'u1', role: 'ADMIN' as const, sessionId: 's1' };
const now = () => Math.floor(Date.now() / 1000);

/** Serves whatever JWKS `current` holds, counting fetches. */
async function jwksServer(initial: object) {
  let current = initial;
  let fetches = 0;
  const server = http.createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(current));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    set: (jwks: object) => void (current = jwks),
    get fetches() {
      return fetches;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('user tokens', () => {
  it('are EdDSA-signed by the issuer and verified with its public keys only', async () => {
    const issuer = await UserTokenIssuer.create(generateSigningKey(), [], audience);
    assert.ok(
      issuer.jwks.keys.every((k) => !('d' in k)),
      'the JWKS holds no private part',
    );
    const token = await issuer.issue(claims, 60);
    const verifier = new UserTokenVerifier((await import('jose')).createLocalJWKSet(issuer.jwks), audience);
    const caller = await verifier.verify(token);
    assert.equal(caller?.userId, 'u1');
    assert.equal(caller?.role, 'ADMIN');
    assert.equal(caller?.sessionId, 's1');
    assert.ok(caller?.expiresAt && caller.expiresAt > now());
    assert.equal((await verifier.fromAuthorization(`Bearer ${token}`))?.userId, 'u1');
  });

  it('refuses HS256 with any secret, alg none, another key, expired, wrong iss/aud, SERVICE role and missing session', async () => {
    const key = generateSigningKey();
    const issuer = await UserTokenIssuer.create(key, [], audience);
    const verifier = issuer.verifier();
    const payload = { sub: 'u1', role: 'ADMIN', sid: 's1', iss: 'shop-user', aud: 'shop', iat: now(), exp: now() + 60 };
    const hs256 = (secret: string) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: issuer.kid }).sign(new TextEncoder().encode(secret));
    const signed = async (body: object, signingKey = key) =>
      new SignJWT(body as never).setProtectedHeader({ alg: 'EdDSA', kid: signingKey.kid! }).sign(await importJWK(signingKey, 'EdDSA'));
    const refused = {
      garbage: 'garbage',
      dots: 'a.b.c',
      // The classic confusion attacks: the public key (or anything) used as an HMAC secret.
      hs256PublicKey: await hs256(JSON.stringify(publicJwk(key))),
      hs256X: await hs256(key.x!),
      hs256Dev: await hs256('dev-only-jwt-secret-change-me-0123456789abcdef'),
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
      otherKey: await (await UserTokenIssuer.create(generateSigningKey(), [], audience)).issue(claims, 60),
      expired: await issuer.issue(claims, -10),
      wrongIssuer: await (await UserTokenIssuer.create(key, [], { ...audience, JWT_ISSUER: 'evil' })).issue(claims, 60),
      wrongAudience: await (await UserTokenIssuer.create(key, [], { ...audience, JWT_AUDIENCE: 'elsewhere' })).issue(claims, 60),
      serviceRole: await signed({ ...payload, role: 'SERVICE' }),
      lowerCaseRole: await signed({ ...payload, role: 'admin' }),
      unknownRole: await signed({ ...payload, role: 'SUPPLIER' }),
      noRole: await signed({ ...payload, role: undefined }),
      noSession: await signed({ ...payload, sid: undefined }),
      numericSession: await signed({ ...payload, sid: 42 }),
      numericSubject: await signed({ ...payload, sub: 42 }),
      noSubject: await signed({ ...payload, sub: undefined }),
      noExpiry: await signed({ ...payload, exp: undefined }),
      noIssuedAt: await signed({ ...payload, iat: undefined }),
    };
    for (const [name, token] of Object.entries(refused)) assert.equal(await verifier.verify(token), null, name);
    assert.ok(await verifier.verify(await signed(payload)), 'the same claims, properly signed, do verify');
    assert.deepEqual(await verifier.verify(await signed({ ...payload, role: 'CUSTOMER' })), {
      userId: 'u1',
      role: 'CUSTOMER',
      sessionId: 's1',
      expiresAt: payload.exp,
    });
    assert.equal((await verifier.verify(await signed({ ...payload, role: 'SELLER' })))?.role, 'SELLER');
    assert.equal(await verifier.fromAuthorization('Basic abc'), null);
    assert.equal(await verifier.fromAuthorization(undefined), null);
  });

  it('refuses a token whose payload was edited', async () => {
    const issuer = await UserTokenIssuer.create(generateSigningKey(), [], audience);
    const token = await issuer.issue({ ...claims, role: 'CUSTOMER' }, 60);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64({ sub: 'u1', role: 'ADMIN', sid: 's1', iss: 'shop-user', aud: 'shop', iat: 1, exp: 9_999_999_999 })}.${signature}`;
    assert.equal(await issuer.verifier().verify(forged), null);
  });

  it('are signed with a key named by its RFC 7638 thumbprint, and say so in the header', async () => {
    const key = generateSigningKey();
    assert.deepEqual(
      { kty: key.kty, crv: key.crv, alg: key.alg, use: key.use, kid: key.kid, private: typeof key.d },
      { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: await calculateJwkThumbprint(key, 'sha256'), private: 'string' },
    );
    const issuer = await UserTokenIssuer.create(key, [], audience);
    assert.deepEqual(decodeProtectedHeader(await issuer.issue(claims, 60)), { alg: 'EdDSA', typ: 'JWT', kid: key.kid });
    const { kid: _kid, alg: _alg, ...bare } = key;
    const unnamed = await UserTokenIssuer.create(bare, [], audience);
    assert.equal(unnamed.kid, key.kid, 'a key without a kid gets its thumbprint');
    assert.deepEqual(
      unnamed.jwks.keys.map((k) => [k.kid, k.alg, k.use]),
      [[key.kid, 'EdDSA', 'sig']],
    );
    assert.ok(await unnamed.verifier().verify(await unnamed.issue(claims, 60)));
  });

  it('publish public halves only: the current key first, then each previous key once, and only keys with a kid', async () => {
    const current = generateSigningKey();
    const previous = generateSigningKey();
    const { kid: _kid, ...unnamed } = publicJwk(generateSigningKey());
    const issuer = await UserTokenIssuer.create(current, [publicJwk(previous), publicJwk(current), unnamed as JWK], audience);
    assert.deepEqual(
      issuer.jwks.keys.map((k) => [k.kid, k.x]),
      [
        [current.kid, current.x],
        [previous.kid, previous.x],
      ],
    );
    assert.ok(issuer.jwks.keys.every((k) => k.d === undefined && k.alg === 'EdDSA' && k.use === 'sig'));
    await assert.rejects(UserTokenIssuer.create(publicJwk(current), [], audience), /USER_SIGNING_KEY must be a private key/);
  });

  it('take the published keys inline (USER_JWKS) over the URL', async () => {
    const issuer = await UserTokenIssuer.create(generateSigningKey(), [], audience);
    const verifier = UserTokenVerifier.fromEnv({
      ...audience,
      USER_JWKS: JSON.stringify(issuer.jwks),
      USER_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
    });
    assert.equal((await verifier.verify(await issuer.issue(claims, 60)))?.userId, 'u1');
  });

  it('rotates by kid: a verifier fetches the JWKS again for a new key, and the previous key works until removed', async () => {
    const oldKey = generateSigningKey();
    const newKey = generateSigningKey();
    const before = await UserTokenIssuer.create(oldKey, [], audience);
    const jwks = await jwksServer(before.jwks);
    try {
      const verifier = UserTokenVerifier.fromEnv({ ...audience, USER_JWKS_URL: jwks.url }, 50);
      const oldToken = await before.issue(claims, 60);
      assert.ok(await verifier.verify(oldToken));
      assert.ok(await verifier.verify(oldToken));
      assert.equal(jwks.fetches, 1, 'keys are cached');
      const after = await UserTokenIssuer.create(newKey, [publicJwk(oldKey)], audience);
      assert.deepEqual(
        after.jwks.keys.map((k) => k.kid),
        [newKey.kid, oldKey.kid],
      );
      jwks.set(after.jwks);
      await new Promise((resolve) => setTimeout(resolve, 60)); // past the refetch cool-down set above
      assert.ok(await verifier.verify(await after.issue(claims, 60)), 'a token with the new kid verifies after a refetch');
      assert.equal(jwks.fetches, 2);
      assert.ok(await verifier.verify(oldToken), 'the previous key is still published');
    } finally {
      await jwks.close();
    }
  });

  it('treats an unreachable JWKS endpoint as "not verified", not as a crash', async () => {
    const issuer = await UserTokenIssuer.create(generateSigningKey(), [], audience);
    const verifier = UserTokenVerifier.fromEnv({ ...audience, USER_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json' });
    assert.equal(await verifier.verify(await issuer.issue(claims, 60)), null);
  });

  it('verifies a token once: presented again it is answered from memory, a refused one is checked every time', async () => {
    const issuer = await UserTokenIssuer.create(generateSigningKey(), [], audience);
    const keys = (await import('jose')).createLocalJWKSet(issuer.jwks);
    let lookups = 0;
    const verifier = new UserTokenVerifier((header, token) => {
      lookups += 1;
      return keys(header, token);
    }, audience);
    const token = await issuer.issue(claims, 60);
    const first = await verifier.verify(token);
    const again = await verifier.verify(token);
    assert.equal(again, first);
    assert.equal(lookups, 1);
    const other = await UserTokenIssuer.create(generateSigningKey(), [], audience);
    const foreign = await other.issue(claims, 60);
    assert.equal(await verifier.verify(foreign), null);
    assert.equal(await verifier.verify(foreign), null);
    assert.equal(lookups, 3);
  });

  it('lets any other failure of its key source surface, instead of taking every caller as anonymous', async () => {
    const issuer = await UserTokenIssuer.create(generateSigningKey(), [], audience);
    const broken = new UserTokenVerifier(() => {
      throw new RangeError('key store bug');
    }, audience);
    await assert.rejects(broken.verify(await issuer.issue(claims, 60)), /key store bug/);
  });
});

describe('signing key configuration', () => {
  it('takes an Ed25519 JWK as JSON text, and names the variable when it is not one', () => {
    const key = generateSigningKey();
    assert.deepEqual(parseJwk(JSON.stringify(key), 'USER_SIGNING_KEY'), key);
    assert.throws(() => parseJwk('{not json', 'USER_SIGNING_KEY'), /^Error: USER_SIGNING_KEY is not JSON \(expected a JWK\)$/);
    const notEd25519 = {
      null: 'null',
      string: '"OKP"',
      rsa: JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB' }),
      x25519: JSON.stringify({ ...key, crv: 'X25519' }),
      noCurve: JSON.stringify({ ...key, crv: undefined }),
      noType: JSON.stringify({ ...key, kty: undefined }),
    };
    for (const [name, text] of Object.entries(notEd25519))
      assert.throws(() => parseJwk(text, 'USER_PREVIOUS_PUBLIC_KEYS'), /^Error: USER_PREVIOUS_PUBLIC_KEYS must be an Ed25519 JWK /, name);
  });
});

describe('Authorization header', () => {
  it('yields the token of a Bearer header, whatever the case and spacing', () => {
    for (const header of ['Bearer abc.def.ghi', 'bearer abc.def.ghi', 'BEARER   abc.def.ghi', '  Bearer\tabc.def.ghi  '])
      assert.equal(bearerToken(header), 'abc.def.ghi', JSON.stringify(header));
  });

  it('yields nothing for any other scheme or shape', () => {
    for (const header of [
      undefined,
      null,
      '',
      'Basic abc',
      'Bearer',
      'Bearer ',
      'Bearerabc',
      'Bearer a b',
      'xBearer abc',
      'Token Bearer abc',
    ])
      assert.equal(bearerToken(header), null, JSON.stringify(header));
  });
});

describe('role guards', () => {
  it('sends anonymous callers UNAUTHENTICATED and the wrong role FORBIDDEN, saying who may', () => {
    const refusal = (code: string, message: string) => (e: AppError) => e.extensions.code === code && e.message === message;
    assert.throws(() => requireCaller(null), refusal('UNAUTHENTICATED', 'Sign in to do this'));
    assert.throws(() => requireAdmin(null), refusal('UNAUTHENTICATED', 'Sign in to do this'));
    assert.throws(() => requireService(null), refusal('UNAUTHENTICATED', 'Sign in to do this'));
    assert.throws(() => requireAdmin({ userId: 'u', role: 'CUSTOMER' }), refusal('FORBIDDEN', 'Only an administrator can do this'));
    assert.throws(() => requireAdmin({ userId: 'u', role: 'SERVICE' }), refusal('FORBIDDEN', 'Only an administrator can do this'));
    assert.throws(() => requireService({ userId: 'u', role: 'ADMIN' }), refusal('FORBIDDEN', 'Only an internal service can do this'));
    assert.throws(() => requireService({ userId: 'u', role: 'CUSTOMER' }), refusal('FORBIDDEN', 'Only an internal service can do this'));
    assert.throws(() => requireService({ userId: 'u', role: 'SELLER' }), refusal('FORBIDDEN', 'Only an internal service can do this'));
    assert.throws(() => requireAdmin({ userId: 'u', role: 'SELLER' }), refusal('FORBIDDEN', 'Only an administrator can do this'));
    const notSelling = refusal('FORBIDDEN', 'Only a seller or an administrator can do this');
    assert.throws(() => requireSellerOrAdmin(null), refusal('UNAUTHENTICATED', 'Sign in to do this'));
    assert.throws(() => requireSellerOrAdmin({ userId: 'u', role: 'CUSTOMER' }), notSelling);
    assert.throws(() => requireSellerOrAdmin({ userId: 'u', role: 'SERVICE' }), notSelling);
  });

  it('lets the right caller through, as it is', () => {
    const admin = { userId: 'u', role: 'ADMIN' as const };
    const service = { userId: 'order', role: 'SERVICE' as const };
    const customer = { userId: 'c', role: 'CUSTOMER' as const };
    assert.equal(requireAdmin(admin), admin);
    const seller = { userId: 's', role: 'SELLER' as const };
    assert.equal(requireSellerOrAdmin(seller), seller);
    assert.equal(requireSellerOrAdmin(admin), admin);
    assert.equal(requireService(service), service);
    assert.equal(requireCaller(customer), customer);
  });
});
