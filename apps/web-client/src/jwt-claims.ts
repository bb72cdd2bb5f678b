/**
 * The claims of a JWT, read without verifying it: only to show who is signed in and when the
 * token expires. The api verifies every token it receives; the page trusts none of this.
 */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The name to show for the signed-in user: username, else email, else subject. */
export function displayName(idToken: string): string {
  const claims = decodeJwtClaims(idToken);
  for (const name of ['cognito:username', 'email', 'sub']) {
    if (typeof claims[name] === 'string') return claims[name];
  }
  return 'unknown user';
}
