import { principalFromAccessToken, verifiedTokenFromClaims } from './cognito-access-token.claims';
import { InvalidTokenError } from './invalid-token.error';

describe('principalFromAccessToken', () => {
  const now = 1_700_000_000;
  const claims = { sub: 's', token_use: 'access', client_id: 'c', exp: now + 60 };

  it('falls back to cognito:username, then sub; tolerates missing scope and groups', () => {
    expect(principalFromAccessToken({ ...claims, 'cognito:username': 'u' }, ['c'], now)).toEqual({
      sub: 's', username: 'u', clientId: 'c', scopes: [], groups: [],
    });
    expect(principalFromAccessToken(claims, ['c'], now).username).toBe('s');
  });

  it.each([
    ['exp as a string', { exp: String(now + 60) }, /exp/],
    ['exp at the end of the tolerance', { exp: now - 30 }, /expired/],
    ['an empty sub', { sub: '' }, /sub/],
    ['client_id missing', { client_id: undefined }, /client_id/],
    ['token_use missing', { token_use: undefined }, /token_use/],
    ['an ID token', { token_use: 'id', aud: 'c' }, /token_use/],
    ['exp beyond the tolerance', { exp: now - 31 }, /expired/],
    ['nbf beyond the tolerance', { nbf: now + 31 }, /nbf is in the future/],
    ['iat beyond the tolerance', { iat: now + 31 }, /iat is in the future/],
    ['iat not a number', { iat: 'yesterday' }, /iat is not a number/],
  ])('refuses %s', (_name, change, reason) => {
    expect(() => principalFromAccessToken({ ...claims, ...change }, ['c'], now, 30)).toThrow(InvalidTokenError);
    expect(() => principalFromAccessToken({ ...claims, ...change }, ['c'], now, 30)).toThrow(reason);
  });
});

describe('verifiedTokenFromClaims', () => {
  const now = 1_700_000_000;
  const rules = { clientIds: ['c'], clockToleranceSeconds: 30, nowSeconds: now };
  const idClaims = { sub: 's', token_use: 'id', aud: 'c', 'cognito:username': 'u', exp: now + 60 };

  it('forgives times within the tolerance', () => {
    const claims = { sub: 's', token_use: 'access', client_id: 'c', exp: now - 29, nbf: now + 29, iat: now + 29 };
    expect(verifiedTokenFromClaims(claims, rules).tokenUse).toBe('access');
  });

  it('reads an ID token: aud is the client, no scopes', () => {
    expect(verifiedTokenFromClaims({ ...idClaims, scope: 'ignored?' }, rules)).toEqual({
      tokenUse: 'id',
      principal: { sub: 's', username: 'u', clientId: 'c', scopes: ['ignored?'], groups: [] },
    });
  });

  it.each([
    ['aud of another client', { aud: 'x' }, /aud "x"/],
    ['aud as an array', { aud: ['c'] }, /aud/],
    ['a client_id instead of aud', { aud: undefined, client_id: 'c' }, /aud/],
    ['token_use refresh', { token_use: 'refresh' }, /token_use/],
  ])('refuses an ID token with %s', (_name, change, reason) => {
    expect(() => verifiedTokenFromClaims({ ...idClaims, ...change }, rules)).toThrow(reason);
  });
});
