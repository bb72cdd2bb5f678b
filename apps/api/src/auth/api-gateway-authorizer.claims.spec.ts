import recordedEvent from '../../test/fixtures/http-api-jwt-authorizer.event.json';
import {
  httpApiJwtAuthorizerOf,
  parseGroups,
  tokenClaimsFromAuthorizer,
  verifiedTokenFromAuthorizer,
  type HttpApiJwtAuthorizer,
} from './api-gateway-authorizer.claims';
import { InvalidTokenError } from './invalid-token.error';

const RECORDED = recordedEvent.requestContext.authorizer.jwt;
const RULES = {
  issuer: RECORDED.claims.iss,
  clientIds: ['another-client', RECORDED.claims.client_id],
  // Inside the recorded token's lifetime.
  nowSeconds: Number(RECORDED.claims.iat) + 60,
  clockToleranceSeconds: 30,
};

function authorizerWith(claims: Record<string, unknown>, scopes: unknown = RECORDED.scopes): HttpApiJwtAuthorizer {
  return { claims: { ...RECORDED.claims, ...claims }, scopes };
}

function withoutClaim(name: string): HttpApiJwtAuthorizer {
  const claims: Record<string, unknown> = { ...RECORDED.claims };
  delete claims[name];
  return { claims, scopes: RECORDED.scopes };
}

describe('httpApiJwtAuthorizerOf', () => {
  it('finds the claims of the recorded HTTP API event on req.apiGateway', () => {
    expect(httpApiJwtAuthorizerOf({ apiGateway: { event: recordedEvent, context: {} } })).toEqual({
      claims: RECORDED.claims,
      scopes: ['openid', 'email'],
    });
  });

  it.each([
    ['no apiGateway (not behind serverless-express)', {}],
    ['no event', { apiGateway: {} }],
    ['no authorizer (a route without one)', { apiGateway: { event: { requestContext: {} } } }],
    ['a Lambda authorizer context instead of a JWT one', { apiGateway: { event: { requestContext: { authorizer: { lambda: { sub: 'x' } } } } } }],
    ['claims that are not an object', { apiGateway: { event: { requestContext: { authorizer: { jwt: { claims: 'sub=x' } } } } } }],
    ['claims that are an array', { apiGateway: { event: { requestContext: { authorizer: { jwt: { claims: [] } } } } } }],
  ])('finds nothing with %s', (_case, request) => {
    expect(httpApiJwtAuthorizerOf(request)).toBeUndefined();
  });
});

describe('parseGroups', () => {
  it.each([
    ['[admins users]', ['admins', 'users']],
    ['[admins]', ['admins']],
    ['[]', []],
    ['', []],
    ['[ a  b ]', ['a', 'b']],
    ['["admins","users"]', ['admins', 'users']],
    ['[a,b c]', ['a,b', 'c']],
  ])('reads %j', (text, groups) => {
    expect(parseGroups(text)).toEqual(groups);
  });

  it('keeps the strings of a real array and reads anything else as no group', () => {
    expect(parseGroups(['admins', 7, 'users'])).toEqual(['admins', 'users']);
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups(42)).toEqual([]);
  });
});

describe('tokenClaimsFromAuthorizer', () => {
  it('turns the string claims back into token shapes', () => {
    expect(tokenClaimsFromAuthorizer(RECORDED)).toMatchObject({
      exp: 1732683600,
      iat: 1732680000,
      auth_time: 1732680000,
      'cognito:groups': ['admins', 'users'],
      scope: 'openid email',
      client_id: RECORDED.claims.client_id,
    });
  });

  it('takes the scopes from jwt.scopes when the scope claim is missing', () => {
    expect(tokenClaimsFromAuthorizer(withoutClaim('scope')).scope).toBe('openid email');
  });

  it('leaves a time that is not all digits as it is, for the time checks to refuse', () => {
    expect(tokenClaimsFromAuthorizer(authorizerWith({ exp: '' })).exp).toBe('');
    expect(tokenClaimsFromAuthorizer(authorizerWith({ exp: '17e8' })).exp).toBe('17e8');
  });
});

describe('verifiedTokenFromAuthorizer', () => {
  it('builds the principal from the recorded event as from a verified token', () => {
    expect(verifiedTokenFromAuthorizer(RECORDED, RULES)).toEqual({
      tokenUse: 'access',
      principal: {
        sub: '6c3f2e1d-0b9a-4876-a5f4-e3d2c1b0a987',
        username: 'demo@example.com',
        clientId: RECORDED.claims.client_id,
        scopes: ['openid', 'email'],
        groups: ['admins', 'users'],
      },
    });
  });

  it('reads ID-token claims (aud) as an ID token; the guard decides whether the route takes one', () => {
    const idToken = authorizerWith({ token_use: 'id', aud: RECORDED.claims.client_id, client_id: undefined });
    expect(verifiedTokenFromAuthorizer(idToken, RULES).tokenUse).toBe('id');
  });

  it.each<[string, HttpApiJwtAuthorizer]>([
    ['another issuer', authorizerWith({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' })],
    ['our issuer with a trailing slash', authorizerWith({ iss: `${RECORDED.claims.iss}/` })],
    ['no issuer', withoutClaim('iss')],
    ['a client that is not allowed', authorizerWith({ client_id: 'not-ours' })],
    ['no client_id', withoutClaim('client_id')],
    ['no sub', withoutClaim('sub')],
    ['an empty sub', authorizerWith({ sub: '' })],
    ['token_use id without an allowed aud', authorizerWith({ token_use: 'id' })],
    ['token_use refresh', authorizerWith({ token_use: 'refresh' })],
    ['no token_use', withoutClaim('token_use')],
    ['an expired token', authorizerWith({ exp: String(RULES.nowSeconds - 31) })],
    ['no exp', withoutClaim('exp')],
    ['an exp that is not a number', authorizerWith({ exp: 'tomorrow' })],
    ['an iat in the future', authorizerWith({ iat: String(RULES.nowSeconds + 120) })],
  ])('refuses %s', (_case, authorizer) => {
    expect(() => verifiedTokenFromAuthorizer(authorizer, RULES)).toThrow(InvalidTokenError);
  });
});
