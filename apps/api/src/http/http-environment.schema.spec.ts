import { z } from 'zod';
import { EnvironmentValidationError } from '@lib/config';
import { httpConfigFrom, httpEnvironmentShape } from './http-environment.schema';

describe('http settings', () => {
  const parse = (env: Record<string, string>) => httpConfigFrom(z.object(httpEnvironmentShape).parse(env));

  it('defaults to keep-alive above an ALB’s 60 s idle timeout, and the head timeout above that', () => {
    expect(parse({})).toEqual({ corsAllowedOrigins: [], requestTimeoutMs: 300_000, headersTimeoutMs: 66_000, keepAliveTimeoutMs: 65_000, trustedProxies: 0, maxConnections: 2048 });
  });

  it('caps connections at a positive number', () => {
    expect(parse({ HTTP_MAX_CONNECTIONS: '10' }).maxConnections).toBe(10);
    expect(() => parse({ HTTP_MAX_CONNECTIONS: '0' })).toThrow();
  });

  it('believes X-Forwarded-For only from as many proxies as it is told', () => {
    expect(parse({ HTTP_TRUSTED_PROXIES: '1' }).trustedProxies).toBe(1);
    expect(() => parse({ HTTP_TRUSTED_PROXIES: '-1' })).toThrow();
  });

  it('reads CORS origins as a list and refuses anything but origins', () => {
    expect(parse({ CORS_ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:5173' }).corsAllowedOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    expect(() => parse({ CORS_ALLOWED_ORIGINS: 'https://a.example.com/app' })).toThrow(/origins like/);
    expect(() => parse({ CORS_ALLOWED_ORIGINS: '*' })).toThrow(/origins like/);
  });

  it('refuses a head timeout at or below the keep-alive timeout (sockets closed under the balancer)', () => {
    expect(() => parse({ HTTP_HEADERS_TIMEOUT_S: '20' })).toThrow(EnvironmentValidationError);
  });
});
