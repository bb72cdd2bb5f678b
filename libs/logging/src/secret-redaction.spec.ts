import { REDACTED, redactSecrets } from './secret-redaction';

describe('redactSecrets (pino formatters.log)', () => {
  it('replaces secret-named values at the first three levels, whatever the parent key', () => {
    const line = {
      msg: 'x',
      accessToken: 'a',
      session: { refreshToken: 'r', id_token: 'i', user: 'u' },
      req: { headers: { Authorization: 'Bearer t', cookie: 'c', accept: '*/*' } },
      res: { headers: { 'set-cookie': ['s'] } },
    };
    expect(redactSecrets(line)).toEqual({
      msg: 'x',
      accessToken: REDACTED,
      session: { refreshToken: REDACTED, id_token: REDACTED, user: 'u' },
      req: { headers: { Authorization: REDACTED, cookie: REDACTED, accept: '*/*' } },
      res: { headers: { 'set-cookie': REDACTED } },
    });
  });

  it('never changes the caller’s object, and returns it as is when there is nothing to hide', () => {
    const clean = { msg: 'upload accepted', uploadId: 'u', nested: { size: 3 } };
    expect(redactSecrets(clean)).toBe(clean);
    const secret = { context: { accessToken: 't' }, other: { kept: true } };
    const out = redactSecrets(secret);
    expect(secret.context.accessToken).toBe('t');
    expect(out.other).toBe(secret.other);
  });

  it('leaves class instances (raw requests, errors) to their serializers, and stops below three levels', () => {
    class Raw {
      headers = { authorization: 'Bearer t' };
    }
    const raw = new Raw();
    const error = Object.assign(new Error('boom'), { authorization: 'x' });
    const deep = { a: { b: { c: { authorization: 'deep' } } } };
    expect(redactSecrets({ req: raw, err: error })).toEqual({ req: raw, err: error });
    expect(redactSecrets(deep)).toBe(deep);
  });
});
