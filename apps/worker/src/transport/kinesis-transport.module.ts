import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServerKinesis } from '@lib/kinesis';
import type { WorkerEnvironment } from '../config/worker-environment.schema';
import { resolveWorkerId } from '../config/worker-id';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { WorkerDeadLetterSink } from '../dead-letters/worker-dead-letter.sink';

/**
 * The Kinesis transport as a provider, so the app connects it with
 * `app.connectMicroservice({ strategy: app.get(ServerKinesis) })` and its options come from
 * the validated configuration and the app's own AWS clients.
 */
@Module({
  imports: [DeadLettersModule],
  providers: [
    {
      provide: ServerKinesis,
      inject: [ConfigService, KinesisClient, DynamoDBDocumentClient, WorkerDeadLetterSink],
      useFactory: (
        config: ConfigService<WorkerEnvironment, true>,
        kinesis: KinesisClient,
        dynamodb: DynamoDBDocumentClient,
        deadLetters: WorkerDeadLetterSink,
      ) =>
        new ServerKinesis({
          streamName: config.get('KINESIS_STREAM_NAME', { infer: true }),
          kinesis,
          leases: {
            dynamodb,
            tableName: config.get('LEASE_TABLE', { infer: true }),
            workerId: resolveWorkerId(config.get('WORKER_ID', { infer: true })),
            leaseDurationMs: config.get('LEASE_DURATION_MS', { infer: true }),
          },
          deadLetters,
          idleTimeBetweenReadsMs: config.get('KINESIS_IDLE_TIME_MS', { infer: true }),
          maxRecordsPerCall: config.get('KINESIS_MAX_RECORDS', { infer: true }),
          maxAttempts: config.get('KINESIS_MAX_ATTEMPTS', { infer: true }),
          maxConcurrentRecordsPerShard: config.get('KINESIS_MAX_CONCURRENCY', { infer: true }),
          checkpointIntervalMs: config.get('KINESIS_CHECKPOINT_INTERVAL_MS', { infer: true }),
          maxRecordAgeMs: maxRecordAgeMsFrom(config.get('KINESIS_MAX_RECORD_AGE_S', { infer: true })),
          unknownPatternPolicy: config.get('KINESIS_UNKNOWN_PATTERN', { infer: true }),
        }),
    },
  ],
  exports: [ServerKinesis],
})
export class KinesisTransportModule {}

function maxRecordAgeMsFrom(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}
