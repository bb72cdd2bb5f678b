import { createHmac, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
// The key cognito-local signs every token with: the same one its JWKS publishes as `CognitoLocal`.
import cognitoLocalPrivateKey from 'cognito-local/lib/keys/cognitoLocal.private.json';
import cognitoLocalPublicKey from 'cognito-local/lib/keys/cognitoLocal.public.json';

/** The `kid` cognito-local puts in its tokens and its JWKS. */
export const COGNITO_LOCAL_KID = 'CognitoLocal';

type Json = Record<string, unknown>;

const part = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Builds compact JWTs by hand for the hostile-token table: signed with the local Cognito's
 * real private key (so the signature is valid and only the claim under test is wrong), with
 * another key, with an HMAC secret, or not at all. By hand rather than with jsonwebtoken,
 * which refuses to produce most of the broken tokens the table needs.
 */
export class CognitoLocalSigner {
  /** The local Cognito's private key (valid signatures). */
  readonly realKey: KeyObject = createPrivateKey({ key: cognitoLocalPrivateKey.jwk, format: 'jwk' });
  /** A key of our own, for "signed by another key with the right kid". */
  readonly otherKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  /** The PEM of the published public key: what an HS256 key-confusion attack uses as secret. */
  readonly publicPem: string = cognitoLocalPublicKey.pem;

  /** The header and claims of a token (no verification). */
  decode(token: string): { header: Json; claims: Json } {
    const [header, claims] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Json);
    return { header, claims };
  }

  /** RS256 (or RS384/RS512) over `header`/`claims`; `undefined` claim values are dropped. */
  rsa(claims: Json, header: Json = {}, key: KeyObject = this.realKey): string {
    const full = { alg: 'RS256', kid: COGNITO_LOCAL_KID, ...header };
    const input = `${part(full)}.${part(withoutUndefined(claims))}`;
    const digest = `sha${String(full.alg).slice(2) || '256'}`;
    return `${input}.${sign(digest, Buffer.from(input), key).toString('base64url')}`;
  }

  /** HS256 with `secret`. */
  hmac(claims: Json, secret: string, header: Json = {}): string {
    const input = `${part({ alg: 'HS256', kid: COGNITO_LOCAL_KID, ...header })}.${part(withoutUndefined(claims))}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  }

  /** `alg: none`, empty signature. */
  unsigned(claims: Json): string {
    return `${part({ alg: 'none', kid: COGNITO_LOCAL_KID })}.${part(withoutUndefined(claims))}.`;
  }

  /** Raw segments, for malformed tokens. */
  raw(header: unknown, claims: unknown, signature = 'c2ln'): string {
    return `${part(header)}.${part(claims)}.${signature}`;
  }
}

function withoutUndefined(claims: Json): Json {
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}
