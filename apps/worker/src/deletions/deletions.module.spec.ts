import { Test } from '@nestjs/testing';
import { WorkerModule } from '../worker.module';
import { DeletionsController } from './deletions.controller';

// Wiring only: a handler missing from one shape of the worker dead-letters its events there
// as `no-handler`, so both shapes must carry it.
describe('DeletionsModule in the worker', () => {
  it.each([
    ['on ECS (forRoot)', () => WorkerModule.forRoot({ environment: { WORKER_HEALTH_PORT: '0' } })],
    ['on Lambda (forLambda)', () => WorkerModule.forLambda()],
  ])('handles file.deletion-requested %s', async (_shape, module) => {
    const moduleRef = await Test.createTestingModule({ imports: [module()] }).compile();
    try {
      expect(moduleRef.get(DeletionsController, { strict: false })).toBeInstanceOf(DeletionsController);
    } finally {
      await moduleRef.close();
    }
  });
});
