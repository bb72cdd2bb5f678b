import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { INestApplication } from '@nestjs/common';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import request from 'supertest';
import { startApi } from '../../../../test-kit';

/** Callers at once: a load balancer's nodes, an orchestrator and anyone on the internet. */
const PROBES = 100;

/**
 * The abuse suite's part for readiness: `/health/ready` is public and unthrottled (probes are
 * not users), so a flood of it must not become a flood of AWS calls. The real api on the local
 * cloud; every call its three AWS clients make is counted by command.
 */
describe('readiness under a flood of probes', () => {
  let app: INestApplication;
  const calls: Record<string, number> = {};

  beforeAll(async () => {
    app = await startApi();
    const count: InitializeMiddleware<object, MetadataBearer> = (next, context) => (args) => {
      calls[context.commandName ?? 'unknown'] = (calls[context.commandName ?? 'unknown'] ?? 0) + 1;
      return next(args);
    };
    for (const client of [app.get(KinesisClient), app.get(S3Client), app.get(DynamoDBDocumentClient)]) {
      (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(count, { step: 'initialize', name: 'countCallsForTheAbuseSuite' });
    }
  });

  afterAll(() => app?.close());

  it(`answers ${PROBES} parallel probes with at most one AWS call per dependency, and no error text`, async () => {
    const answers = await Promise.all(Array.from({ length: PROBES }, () => request(app.getHttpServer()).get('/health/ready')));
    console.info(`[abuse] ${PROBES} parallel readiness probes: statuses ${JSON.stringify(countBy(answers.map((a) => a.status)))}; AWS calls ${JSON.stringify(calls)}`);
    expect(answers.map((a) => a.status)).toEqual(Array(PROBES).fill(200));
    expect(calls).toEqual({ DescribeStreamSummaryCommand: 1, HeadBucketCommand: 1, GetItemCommand: 1 });
    // Shape only: up/down and reason codes, never an AWS message.
    expect(Object.keys(answers[0].body.info)).toEqual(expect.arrayContaining(['kinesis', 's3', 'dynamodb']));
  });
});

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
