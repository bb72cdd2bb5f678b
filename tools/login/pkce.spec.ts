import { createPkcePair, createState, s256Challenge } from './pkce';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of the RFC 7636 Appendix B example', () => {
    // The appendix's verifier is the base64url of these 32 octets.
    const octets = [
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91,
      88, 5, 88, 83, 132, 141, 121,
    ];
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    expect(Buffer.from(octets).toString('base64url')).toBe(verifier);
    expect(s256Challenge(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('creates a 43-character unreserved verifier whose challenge matches, fresh each time', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    expect(a.challenge).toBe(s256Challenge(a.verifier));
    expect(a.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/); // base64url of 32 bytes, no padding
    expect(a.method).toBe('S256');
    expect(b.verifier).not.toBe(a.verifier);
  });

  it.each([
    ['too short', 'a'.repeat(42)],
    ['too long', 'a'.repeat(129)],
    ['outside the unreserved set', `${'a'.repeat(42)}+`],
  ])('rejects a verifier %s', (_case, verifier) => {
    expect(() => s256Challenge(verifier)).toThrow(/RFC 7636/);
  });

  it('creates distinct, URL-safe states', () => {
    const a = createState();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(createState()).not.toBe(a);
  });
});
