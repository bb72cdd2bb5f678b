/** PKCE (RFC 7636, S256) with the browser's Web Crypto; the same rules as tools/login/pkce.ts. */

export interface PkcePair {
  verifier: string;
  challenge: string;
}

/** base64url without padding (RFC 4648 §5), as RFC 7636 wants it. */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomToken(byteLength: number, crypto: Crypto = globalThis.crypto): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

/** `BASE64URL(SHA256(ASCII(verifier)))`. Web Crypto needs a secure context (https or localhost). */
export async function s256Challenge(verifier: string, crypto: Crypto = globalThis.crypto): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** 32 random bytes → a 43-character verifier (the RFC's recommendation) and its challenge. */
export async function createPkcePair(crypto: Crypto = globalThis.crypto): Promise<PkcePair> {
  const verifier = randomToken(32, crypto);
  return { verifier, challenge: await s256Challenge(verifier, crypto) };
}
