// The worker as an AWS Lambda function on a Kinesis event source mapping (with
// ReportBatchItemFailures): each batch goes to the same @EventPattern handlers as in a
// container, through KinesisLambdaServer, which answers batchItemFailures.
import { NestFactory } from '@nestjs/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { KinesisLambdaServer } from '@lib/kinesis';
import { WorkerDeadLetterSink } from './dead-letters/worker-dead-letter.sink';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<KinesisLambdaServer> {
  const strategy = new KinesisLambdaServer();
  const app = await NestFactory.createMicroservice(WorkerModule.forLambda(), { strategy, abortOnError: false });
  strategy.configure({ deadLetters: app.get(WorkerDeadLetterSink) });
  // Registers the handlers; the strategy itself reads nothing (Lambda delivers the records).
  await app.listen();
  return strategy;
}

// Started at import, i.e. in Lambda's init phase; awaited by the first invocation.
const ready = bootstrap();
ready.catch(() => undefined);

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  return (await ready).handle(event);
}
