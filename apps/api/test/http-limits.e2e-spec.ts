import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { e2eEnvironment, startApi, waitFor } from '../../../test-kit';

/** This suite's limits: small, so a burst over them is a few requests. */
const RATE_LIMIT = { RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '10', CORS_ALLOWED_ORIGINS: 'https://app.example.com' };

/**
 * What the api does before any handler: per-user rate limits, security headers, CORS, and
 * the OpenAPI document describing it all. The real AppModule on the local cloud.
 */
describe('limits and headers (real AppModule)', () => {
  const env = e2eEnvironment();
  const demo = `Bearer ${env.users.demo.accessToken}`;
  const other = `Bearer ${env.users.other.accessToken}`;
  const saved = Object.fromEntries(Object.keys(RATE_LIMIT).map((name) => [name, process.env[name]]));
  let app: INestApplication;

  beforeAll(async () => {
    Object.assign(process.env, RATE_LIMIT);
    const { AppModule } = await import('../src/app.module');
    const { configureApp } = await import('../src/configure-app');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = configureApp(moduleRef.createNestApplication({ logger: ['error'] }));
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    // The next suite in this jest worker must not inherit this one's limits.
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const unknownUpload = () => `/uploads/${randomUUID()}`;

  it('answers 429 with Retry-After to the part of a burst over the user’s bucket, and only to that user', async () => {
    const burst = await Promise.all(Array.from({ length: 30 }, () => request(app.getHttpServer()).get(unknownUpload()).set('Authorization', demo)));
    const refused = burst.filter((res) => res.status === 429);
    // 10 fit the bucket; a few may refill while the 30 are served (5 per second).
    expect(burst.filter((res) => res.status === 404).length).toBeGreaterThanOrEqual(10);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused.length + burst.filter((res) => res.status === 404).length).toBe(30);
    for (const res of refused) {
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.body).toMatchObject({ statusCode: 429, message: expect.stringContaining('Retry-After') });
    }
    // Another user is not slowed down by the first one's burst.
    await request(app.getHttpServer()).get(unknownUpload()).set('Authorization', other).expect(404);
  });

  it('keys anonymous clients by their socket address: a forged X-Forwarded-For does not buy a fresh bucket', async () => {
    // Public and throttled: the page's settings. The same client under 30 made-up addresses.
    const burst = (server: unknown) =>
      Promise.all(Array.from({ length: 30 }, (_, i) => request(server as never).get('/web-config.json').set('X-Forwarded-For', `203.0.113.${i + 1}`)));
    const direct = await burst(app.getHttpServer());
    expect(direct.filter((res) => res.status === 429).length).toBeGreaterThanOrEqual(3);

    // Behind one trusted proxy (an ALB: HTTP_TRUSTED_PROXIES=1) the header names the client: 30 clients, 30 buckets.
    process.env.HTTP_TRUSTED_PROXIES = '1';
    const { AppModule } = await import('../src/app.module');
    const { configureApp } = await import('../src/configure-app');
    const behindAlb = configureApp((await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication({ logger: ['error'] }));
    try {
      await behindAlb.init();
      const viaAlb = await burst(behindAlb.getHttpServer());
      expect(viaAlb.map((res) => res.status)).toEqual(Array(30).fill(200));
    } finally {
      delete process.env.HTTP_TRUSTED_PROXIES;
      await behindAlb.close();
    }
  });

  it('never limits health probes', async () => {
    const probes = await Promise.all(Array.from({ length: 30 }, () => request(app.getHttpServer()).get('/health')));
    expect(probes.map((res) => res.status)).toEqual(Array(30).fill(200));
  });

  it('sends security headers: a JSON answer may load and be framed by nothing', async () => {
    const res = await request(app.getHttpServer()).get('/health');
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    const docs = await request(app.getHttpServer()).get('/docs/').expect(200);
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers CORS preflights for the configured origin only', async () => {
    const allowed = await request(app.getHttpServer())
      .options('/uploads')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type')
      .expect(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-allow-headers']).toContain('Authorization');
    const refused = await request(app.getHttpServer())
      .options('/uploads')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('documents POST /uploads in the OpenAPI document with its real shapes and error codes', async () => {
    const { body: document } = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const upload = document.paths['/uploads'].post;
    expect(upload.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(upload.requestBody.content)).toEqual(expect.arrayContaining(['application/octet-stream', 'multipart/form-data']));
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '413', '429', '503']));
    expect(upload.responses['429'].headers['Retry-After']).toBeDefined();
    const accepted = upload.responses['202'].content['application/json'].schema.$ref.split('/').pop();
    expect(Object.keys(document.components.schemas[accepted].properties)).toEqual(expect.arrayContaining(['message', 'file_key', 'id']));
  });
});

/**
 * Refused tokens are limited per client address (RATE_LIMIT_AUTH_FAILURES_*), ahead of the
 * token check: the per-user limit never sees them, since authentication refuses them first.
 */
describe('refused tokens per client address (real AppModule)', () => {
  const env = e2eEnvironment();
  let app: INestApplication;
  // Behind one trusted proxy, so the test can speak from several addresses.
  const from = (address: string) => (req: request.Test) => req.set('X-Forwarded-For', address);
  // A unique address per run: with redis-server the failures count in the local cloud's store.
  const attacker = `198.51.100.${1 + (process.pid % 250)}`;
  const bystander = '192.0.2.10';

  beforeAll(async () => {
    app = await startApi({
      environment: { HTTP_TRUSTED_PROXIES: '1', RATE_LIMIT_AUTH_FAILURES_PER_SECOND: '0.5', RATE_LIMIT_AUTH_FAILURES_BURST: '3' },
      logger: ['error'],
    });
  });
  afterAll(() => app?.close());

  const get = (address: string, authorization: string) =>
    request(app.getHttpServer()).get(`/uploads/${randomUUID()}`).set('Authorization', authorization).use(from(address));

  it('answers 429 to an address that spent its refusals, before any token is checked, and only to that address', async () => {
    const statuses: number[] = [];
    // Failures are counted once each 401 is sent: poll until the address is known to be blocked.
    await waitFor(
      async () => {
        const res = await get(attacker, 'Bearer not.a.token');
        statuses.push(res.status);
        return res.status === 429 ? res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 0, description: 'the flooding address to get 429' },
    );
    const refusedForToken = statuses.filter((status) => status === 401).length;
    // The burst of 3, the failure that found the bucket empty, and a few more whose count was
    // still in flight (counting happens after the answer) or refilled (0.5/s).
    expect(refusedForToken).toBeGreaterThanOrEqual(4);
    expect(refusedForToken).toBeLessThanOrEqual(8);
    const blocked = await get(attacker, 'Bearer not.a.token').expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Refused before authentication: even a valid token from that address waits.
    await get(attacker, `Bearer ${env.users.demo.accessToken}`).expect(429);
    // Other addresses are untouched, with good tokens and bad ones.
    await get(bystander, `Bearer ${env.users.demo.accessToken}`).expect(404);
    await get(bystander, 'Bearer not.a.token').expect(401);
  });

  it('never limits public routes by refusals', async () => {
    await request(app.getHttpServer()).get('/health').use(from(attacker)).expect(200);
  });
});
