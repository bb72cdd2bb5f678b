import { decodeJwtHeader, MAX_JWT_CHARS, MAX_JWT_HEADER_CHARS } from './compact-jwt.parser';
import { InvalidTokenError } from './invalid-token.error';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const header = b64({ alg: 'RS256', kid: 'k' });

describe('decodeJwtHeader', () => {
  it('returns the header of a well-formed token', () => {
    expect(decodeJwtHeader(`${header}.${b64({ sub: 's' })}.c2ln`)).toEqual({ alg: 'RS256', kid: 'k' });
  });

  it.each([
    ['two segments', `${header}.${b64({})}`, /2 segments/],
    ['four segments', `${header}.${b64({})}.c2ln.c2ln`, /4 segments/],
    ['an empty signature (alg none)', `${header}.${b64({})}.`, /base64url/],
    ['standard base64 characters', `${header}.${b64({})}.c2l+/w==`, /base64url/],
    ['a header of JSON text that is not an object', `${b64('"RS256"')}.${b64({})}.c2ln`, /not a JSON object/],
    ['a header that is not JSON', `${b64('{"alg":')}.${b64({})}.c2ln`, /not JSON/],
    ['an oversized header', `${b64({ alg: 'RS256', pad: 'x'.repeat(MAX_JWT_HEADER_CHARS) })}.${b64({})}.c2ln`, /header longer/],
    ['an oversized token', `${header}.${'a'.repeat(MAX_JWT_CHARS)}.c2ln`, /token longer/],
  ])('refuses %s', (_name, token, reason) => {
    expect(() => decodeJwtHeader(token)).toThrow(InvalidTokenError);
    expect(() => decodeJwtHeader(token)).toThrow(reason);
  });
});
