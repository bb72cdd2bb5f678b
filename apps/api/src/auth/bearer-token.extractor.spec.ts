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
    ['Basic dXNlcjpwYXNz', { presented: false }],
    ['Bearerabc.def.ghi', { presented: false }],
    [undefined, { presented: false }],
  ])('reads %p', (authorization, expected) => {
    expect(bearerCredentials(withAuthorization(authorization))).toEqual(expected);
  });
});
