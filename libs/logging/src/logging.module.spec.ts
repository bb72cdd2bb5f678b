import { Controller, Get, Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Writable } from 'node:stream';
import { Logger as PinoLogger } from 'nestjs-pino';
import request from 'supertest';
import { LOG_DESTINATION } from './log-destination';
import { LoggingModule } from './logging.module';

@Controller('things')
class ThingsController {
  private readonly logger = new Logger('Things');

  @Get()
  list(): string[] {
    this.logger.log({ msg: 'listing things', count: 0, session: { accessToken: 'secret-token', user: 'u1' } });
    return [];
  }
}

describe('LoggingModule', () => {
  let lines: Array<Record<string, unknown>>;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });

  async function appWith(httpRequests: boolean, requestContext: 'on' | 'off' = 'on'): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [LoggingModule.forRoot({ service: 'test', environment: { LOG_LEVEL: 'info', LOG_FORMAT: 'json', LOG_REQUEST_CONTEXT: requestContext }, httpRequests })],
      controllers: [ThingsController],
    })
      .overrideProvider(LOG_DESTINATION)
      .useValue(destination)
      .compile();
    const app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(PinoLogger));
    await app.init();
    return app;
  }

  beforeEach(() => {
    lines = [];
  });

  it.each(['on', 'off'] as const)('writes one JSON line per request (with its id) and per app log, with no headers (request context %s)', async (context) => {
    const app = await appWith(true, context);
    try {
      const res = await request(app.getHttpServer()).get('/things?token=secret').set('Authorization', 'Bearer very-secret').set('X-Request-Id', 'req-42').expect(200);
      expect(res.headers['x-request-id']).toBe('req-42');
      expect(lines).toContainEqual(
        expect.objectContaining({ service: 'test', context: 'Things', msg: 'listing things', count: 0, session: { accessToken: '[redacted]', user: 'u1' } }),
      );
      expect(lines.filter((line) => line.msg === 'request completed')).toEqual([
        expect.objectContaining({ requestId: 'req-42', req: expect.objectContaining({ method: 'GET', path: '/things' }), res: { statusCode: 200 } }),
      ]);
      expect(JSON.stringify(lines)).not.toMatch(/secret/);
    } finally {
      await app.close();
    }
  });

  it('gives an app line logged inside a request handler that request’s X-Request-Id, and not the next request’s', async () => {
    const app = await appWith(true, 'on');
    try {
      await request(app.getHttpServer()).get('/things').set('X-Request-Id', 'req-1').expect(200);
      await request(app.getHttpServer()).get('/things').set('X-Request-Id', 'req-2').expect(200);
      expect(lines.filter((line) => line.msg === 'listing things').map((line) => line.requestId)).toEqual(['req-1', 'req-2']);
    } finally {
      await app.close();
    }
  });

  it('leaves app lines without the request id with LOG_REQUEST_CONTEXT=off (they name it when it matters)', async () => {
    const app = await appWith(true, 'off');
    try {
      await request(app.getHttpServer()).get('/things').set('X-Request-Id', 'req-42').expect(200);
      expect(lines.find((line) => line.msg === 'listing things')).not.toHaveProperty('requestId');
    } finally {
      await app.close();
    }
  });

  it('leaves HTTP requests alone when asked to (the worker), while app logs still go out', async () => {
    const app = await appWith(false);
    try {
      const res = await request(app.getHttpServer()).get('/things').expect(200);
      expect(res.headers['x-request-id']).toBeUndefined();
      expect(lines.filter((line) => line.msg === 'request completed')).toEqual([]);
      expect(lines).toContainEqual(expect.objectContaining({ service: 'test', msg: 'listing things' }));
    } finally {
      await app.close();
    }
  });

  it('refuses an unknown LOG_LEVEL at start-up, naming it', async () => {
    const moduleRef = Test.createTestingModule({ imports: [LoggingModule.forRoot({ service: 'test', environment: { LOG_LEVEL: 'loud' } })] });
    await expect(moduleRef.compile()).rejects.toThrow(/LOG_LEVEL is "loud"/);
  });
});
