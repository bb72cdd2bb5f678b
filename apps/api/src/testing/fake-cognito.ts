import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign, type SignOptions } from 'jsonwebtoken';

export const TEST_POOL_ID = 'us-east-1_TestPool1';
export const TEST_ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${TEST_POOL_ID}`;
export const TEST_CLIENT_ID = 'test-client';

/**
 * A stand-in for a Cognito user pool in specs: an RSA key generated here, its JWKS served on
 * 127.0.0.1, and access tokens signed with it (claims overridable to build bad ones).
 */
export class FakeCognito {
  readonly kid = 'test-key-1';
  readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private server?: Server;
  /** How many times the JWKS was fetched. */
  jwksRequests = 0;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' };
  }

  async start(): Promise<string> {
    this.server = createServer((_req, res) => {
      this.jwksRequests += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [this.publicJwk] }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.jwksUri;
  }

  get jwksUri(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/${TEST_POOL_ID}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** A valid access token; `claims` overrides (undefined deletes), `options` the signing. */
  accessToken(claims: Record<string, unknown> = {}, options: SignOptions = {}, key: KeyObject | string = this.privateKey): string {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      sub: 'user-sub-1',
      username: 'demo@example.com',
      client_id: TEST_CLIENT_ID,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin openid',
      'cognito:groups': ['uploaders'],
      iss: TEST_ISSUER,
      iat: now,
      exp: now + 600,
      jti: randomUUID(),
      ...claims,
    };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return sign(payload, key, { algorithm: 'RS256', keyid: this.kid, ...options });
  }
}
