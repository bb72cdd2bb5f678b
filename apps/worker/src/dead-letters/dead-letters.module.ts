import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { S3Client } from '@aws-sdk/client-s3';
import { S3DeadLetterSink } from '@lib/kinesis';
import type { WorkerEnvironment } from '../config/worker-environment.schema';
import { ErasureModule } from '../erasure/erasure.module';
import { WorkerUploadStatusModule } from '../status/worker-upload-status.module';
import { DEAD_LETTER_STORE, WorkerDeadLetterSink } from './worker-dead-letter.sink';

@Module({
  imports: [WorkerUploadStatusModule, ErasureModule],
  providers: [
    {
      provide: DEAD_LETTER_STORE,
      inject: [S3Client, ConfigService],
      useFactory: (s3: S3Client, config: ConfigService<WorkerEnvironment, true>) =>
        new S3DeadLetterSink(s3, config.get('S3_BUCKET', { infer: true })),
    },
    WorkerDeadLetterSink,
  ],
  exports: [WorkerDeadLetterSink],
})
export class DeadLettersModule {}
