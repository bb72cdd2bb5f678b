import { Test } from '@nestjs/testing';
import { ConfigService } from '@nestjs/config';
import { EnvironmentValidationError } from '@lib/config';
import { ServerKinesis } from '@lib/kinesis';
import { FILE_BUCKET } from './files/file.storage';
import { WorkerModule } from './worker.module';

// Wiring only: nothing here calls AWS (the transport starts in createWorkerApp, not here).
describe('WorkerModule', () => {
  it('provides the Kinesis transport and the handlers from the validated environment', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WorkerModule.forRoot({ environment: { S3_BUCKET: 'other-bucket', WORKER_HEALTH_PORT: '0' } })],
    }).compile();
    try {
      expect(moduleRef.get(ServerKinesis)).toBeInstanceOf(ServerKinesis);
      expect(moduleRef.get(FILE_BUCKET, { strict: false })).toBe('other-bucket');
      // Parsed values, not the raw strings of process.env.
      expect(moduleRef.get(ConfigService).get('WORKER_HEALTH_PORT')).toBe(0);
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses to start with a bad variable, naming every one', async () => {
    const compiling = Test.createTestingModule({
      imports: [WorkerModule.forRoot({ environment: { WORKER_HEALTH_PORT: 'http', AWS_ENDPOINT_URL_S3: 'nope' } })],
    }).compile();
    await expect(compiling).rejects.toThrow(EnvironmentValidationError);
    await expect(compiling).rejects.toThrow(/AWS_ENDPOINT_URL_S3 is "nope"[\s\S]*WORKER_HEALTH_PORT is "http"/);
  });

  it('reads the environment when the app is built, not when the module is imported', async () => {
    const module = WorkerModule.forRoot();
    process.env.WORKER_ID = 'late-worker';
    try {
      const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
      expect(moduleRef.get(ConfigService).get('WORKER_ID')).toBe('late-worker');
      await moduleRef.close();
    } finally {
      delete process.env.WORKER_ID;
    }
  });
});
