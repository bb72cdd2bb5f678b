import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): the secret verifier and the S256 challenge sent with the authorize request. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** RFC 7636 §4.1: 43-128 characters from the unreserved set `[A-Za-z0-9-._~]`. */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * A fresh verifier (32 random bytes → 43 base64url characters, the RFC's recommendation)
 * and its S256 challenge.
 */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier), method: 'S256' };
}

/** `BASE64URL(SHA256(ASCII(verifier)))` without padding (RFC 7636 §4.2). */
export function s256Challenge(verifier: string): string {
  if (!VERIFIER_PATTERN.test(verifier)) {
    throw new Error('A PKCE code verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)');
  }
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable `state` value that ties the callback to this login attempt (CSRF protection). */
export function createState(): string {
  return randomBytes(24).toString('base64url');
}
