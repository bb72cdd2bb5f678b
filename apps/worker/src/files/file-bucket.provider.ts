import type { FactoryProvider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { WorkerEnvironment } from '../config/worker-environment.schema';
import { FILE_BUCKET } from './file.storage';

/** `FILE_BUCKET` from `S3_BUCKET`, for every module of the worker that touches the bucket. */
export const fileBucketProvider: FactoryProvider<string> = {
  provide: FILE_BUCKET,
  inject: [ConfigService],
  useFactory: (config: ConfigService<WorkerEnvironment, true>) => config.get('S3_BUCKET', { infer: true }),
};
