import { randomUUID } from 'node:crypto';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CurrentUser, type CognitoPrincipal } from '../apps/api/src/auth';
import { UploadsQueryService } from '../apps/api/src/uploads/uploads-query.service';
import { bearer, createTestUser, startApi, type TestUser } from './index';

/** What an extending developer adds: a protected controller of their own. */
@Controller('whoami')
class WhoAmIController {
  @Get()
  whoami(@CurrentUser() user: CognitoPrincipal) {
    return { sub: user.sub, username: user.username };
  }
}

@Module({ controllers: [WhoAmIController] })
class WhoAmIModule {}

/** startApi's options against the real local cloud. */
describe('startApi', () => {
  const apps: INestApplication[] = [];
  let user: TestUser;

  beforeAll(async () => {
    user = await createTestUser();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  const start = async (...args: Parameters<typeof startApi>) => {
    const app = await startApi(...args);
    apps.push(app);
    return app;
  };

  it('serves a test module of your own behind the real guards', async () => {
    const api = await start({ imports: [WhoAmIModule] });
    const res = await request(api.getHttpServer()).get('/whoami').set('Authorization', bearer(user)).expect(200);
    expect(res.body).toEqual({ sub: user.sub, username: user.username });
    await request(api.getHttpServer()).get('/whoami').expect(401);
  });

  it('applies variables to that api only', async () => {
    const before = process.env.UPLOAD_MAX_BYTES;
    const api = await start({ environment: { UPLOAD_MAX_BYTES: '10' } });
    expect(process.env.UPLOAD_MAX_BYTES).toBe(before);
    const upload = (app: INestApplication, body: string) =>
      request(app.getHttpServer()).post('/uploads').set('Authorization', bearer(user)).set('Content-Type', 'text/plain').send(body);
    await upload(api, 'x'.repeat(11)).expect(413);
  });

  it('lets the testing module be changed before it compiles', async () => {
    const id = randomUUID();
    const api = await start({
      override: (builder) =>
        builder.overrideProvider(UploadsQueryService).useValue({
          findOwned: async () => ({ id, file_key: `uploads/${id}.txt`, status: 'stored', size: 1, content_type: 'text/plain' }),
        }),
    });
    const res = await request(api.getHttpServer()).get(`/uploads/${id}`).set('Authorization', bearer(user)).expect(200);
    expect(res.body).toMatchObject({ id, status: 'stored' });
  });
});
