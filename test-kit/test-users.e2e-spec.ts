import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { bearer, createTestUser, startApi } from './index';

/** The test kit's users against the real local Cognito and the real api. */
describe('createTestUser', () => {
  let api: INestApplication;

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(() => api?.close());

  it('mints distinct users at once, each with a token the api accepts', async () => {
    // Concurrent callers: the writes to cognito-local are serialised by the kit, not by the caller.
    const users = await Promise.all(Array.from({ length: 4 }, () => createTestUser()));
    expect(new Set(users.map((u) => u.sub)).size).toBe(4);
    for (const user of users) {
      expect(user.username).toMatch(/^user-.+@example\.com$/);
      // Authenticated (404 for an upload nobody has, not 401).
      await request(api.getHttpServer()).get(`/uploads/${randomUUID()}`).set('Authorization', bearer(user)).expect(404);
    }
    await request(api.getHttpServer()).get(`/uploads/${randomUUID()}`).set('Authorization', bearer('not-a-token')).expect(401);
  });

  it('takes a chosen username, and logs an existing user in again with a new password', async () => {
    const username = `chosen-${randomUUID()}@example.com`;
    const first = await createTestUser({ username });
    const again = await createTestUser({ username });
    expect(again.username).toBe(username);
    expect(again.sub).toBe(first.sub);
    expect(again.password).not.toBe(first.password);
  });
});
