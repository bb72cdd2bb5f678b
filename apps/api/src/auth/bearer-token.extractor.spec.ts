import { bearerCredentials } from './bearer-token.extractor';

const withAuthorization = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } });

describe('bearerCredentials', () => {
  it.each([
    ['Bearer abc.def.ghi', { presented: true, token: 'abc.def.ghi' }],
    ['bearer abc.def.ghi', { presented: true, token: 'abc.def.ghi' }],
    ['BEARER abc.def.ghi', { presented: true, token: 'abc.def.ghi' }],
    ['Bearer a b', { presented: true }],
    ['Bearer a,b', { presented: true }],
    ['Bearer', { presented: false }],
    ['Bearer   ', { presented: false }],
    ['Basic dXNlcjpwYXNz', { presented: true, outside: 'the Basic scheme' }],
    ['Bearerabc.def.ghi', { presented: true, outside: 'a malformed Authorization header' }],
    [undefined, { presented: false }],
  ])('reads %p', (authorization, expected) => {
    expect(bearerCredentials(withAuthorization(authorization))).toEqual(expected);
  });

  it('counts a token in the query string or a cookie as presented, and never uses it', () => {
    expect(bearerCredentials({ headers: {}, query: { access_token: 'a.b.c' } })).toEqual({
      presented: true,
      outside: 'an access_token query parameter',
    });
    expect(bearerCredentials({ headers: { cookie: 'theme=dark; token=eyJh.eyJz.sig' } })).toEqual({
      presented: true,
      outside: 'a JWT in a cookie',
    });
    expect(bearerCredentials({ headers: { cookie: 'theme=dark; lang=en' }, query: { page: '2' } })).toEqual({
      presented: false,
    });
  });
});
