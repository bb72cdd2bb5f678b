import { principalFromAccessToken } from './cognito-access-token.claims';
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
    ['exp now', { exp: now }, /expired/],
    ['an empty sub', { sub: '' }, /sub/],
    ['client_id missing', { client_id: undefined }, /client_id/],
    ['token_use missing', { token_use: undefined }, /token_use/],
  ])('refuses %s', (_name, change, reason) => {
    expect(() => principalFromAccessToken({ ...claims, ...change }, ['c'], now)).toThrow(InvalidTokenError);
    expect(() => principalFromAccessToken({ ...claims, ...change }, ['c'], now)).toThrow(reason);
  });
});
