import type { IncomingMessage } from 'node:http';
import { serializeRequest } from './http-log.serializers';

describe('serializeRequest', () => {
  const request = (url: string, headers: Record<string, string> = {}) => ({ method: 'GET', url, headers }) as unknown as IncomingMessage;

  it('shows method, path, length and agent, never headers or the query string', () => {
    const line = serializeRequest(request('/?code=secret-authorization-code&state=s', { authorization: 'Bearer abc', 'content-length': '12', 'user-agent': 'curl/8' }));
    expect(line).toEqual({ method: 'GET', path: '/', contentLength: 12, userAgent: 'curl/8' });
    expect(JSON.stringify(line)).not.toMatch(/secret|Bearer/);
  });

  it('reads pino-http’s wrapped request (`raw`) the same way', () => {
    expect(serializeRequest({ raw: request('/uploads/1') } as never)).toMatchObject({ method: 'GET', path: '/uploads/1' });
  });
});
