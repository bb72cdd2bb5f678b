// The worker as an AWS Lambda function on a Kinesis event source mapping (with
// ReportBatchItemFailures): each batch goes to the same @EventPattern handlers as in a
// container, through KinesisLambdaServer, which answers batchItemFailures.
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { KinesisLambdaServer } from '@lib/kinesis';
import { Metrics } from '@lib/metrics';
import { WorkerDeadLetterSink } from './dead-letters/worker-dead-letter.sink';
import { RecordMetricsObserver } from './metrics/record-metrics.observer';
import type { WorkerEnvironment } from './config/worker-environment.schema';
import { WorkerModule } from './worker.module';

/** When each start-up step ended (ms since the process started), for bench/lambda. */
export const startupTimeline: Record<string, number> = { imported: 0 };

async function bootstrap(): Promise<{ strategy: KinesisLambdaServer; metrics: Metrics }> {
  const strategy = new KinesisLambdaServer();
  // bufferLogs: start-up lines go out through the structured logger, as in the container.
  const app = await NestFactory.createMicroservice(WorkerModule.forLambda(), { strategy, abortOnError: false, bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  startupTimeline.created = performance.now();
  const config = app.get<ConfigService<WorkerEnvironment, true>>(ConfigService);
  strategy.configure({
    deadLetters: app.get(WorkerDeadLetterSink),
    // The same knob as the container's: records of one shard at once, across partition keys
    // (`auto`: the transport's own default for a batch).
    maxConcurrentRecordsPerShard: numberOrDefault(config.get('KINESIS_MAX_CONCURRENCY', { infer: true })),
    // The event source mapping retries without end (deploy/): this is what ends a record
    // failing for a reason of its own, and what keeps a record whose dependency stays down
    // until the stream would drop it (docs/lambda-delivery.md).
    maxAttempts: config.get('KINESIS_MAX_ATTEMPTS', { infer: true }),
    maxRecordAgeMs: secondsToMs(config.get('KINESIS_MAX_RECORD_AGE_S', { infer: true })),
  });
  strategy.observeRecords(app.get(RecordMetricsObserver));
  // Registers the handlers; the strategy itself reads nothing (Lambda delivers the records).
  await app.listen();
  startupTimeline.initialised = performance.now();
  return { strategy, metrics: app.get(Metrics) };
}

function numberOrDefault(value: number | 'auto'): number | undefined {
  return value === 'auto' ? undefined : value;
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

// Started at import, i.e. in Lambda's init phase; awaited by the first invocation.
const ready = bootstrap();
startupTimeline.imported = performance.now();
ready.catch(() => undefined);

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  const { strategy, metrics } = await ready;
  try {
    return await strategy.handle(event);
  } finally {
    // A frozen function runs no timers: this batch's metrics go out now.
    metrics.flush();
  }
}
