// `npm run redrive -- [--reason <reason>]... [--shard <id>] [--limit N] [--dry-run] [--local]`:
// publishes the worker's dead letters (dead-letter/ in the bucket) again once their cause is
// fixed, then deletes them. Malformed records are left out unless --reason malformed-record;
// uploads deleted since their letter was written are discarded (see skipDeletedUploads).
// `npm run redrive -- --failed-batches <file | -> [--dry-run] [--local]`: instead, re-reads from
// the stream the batches a Lambda event source mapping gave up on (the records its on-failure
// queue received, as saved from it; docs/lambda-delivery.md) and publishes them again.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDynamoDbDocumentClient, createKinesisClient, createS3Client } from '@lib/aws';
import { BatchingRecordSender, FailedBatchRedrive, failedBatchesIn, S3DeadLetterRedrive, type DeadLetterReason } from '@lib/kinesis';
import { UploadStatusRepository } from '@lib/upload-status';
import { skipDeletedUploads } from './deleted-uploads.redrive-policy';
import { opsConfig } from './ops-environment';

const REASONS: readonly DeadLetterReason[] = ['malformed-record', 'no-handler', 'handler-rejected', 'handler-failed', 'record-too-old'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reason: { type: 'string', multiple: true },
      shard: { type: 'string' },
      limit: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      local: { type: 'boolean', default: false },
      'failed-batches': { type: 'string' },
    },
  });
  const reasons = values.reason?.map((reason) => {
    if (!REASONS.includes(reason as DeadLetterReason)) throw new Error(`--reason must be one of ${REASONS.join(', ')}`);
    return reason as DeadLetterReason;
  });
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new Error('--limit must be a positive integer');

  const config = opsConfig(values.local ?? false);
  const s3 = createS3Client(config.aws);
  const kinesis = createKinesisClient(config.aws);
  const dynamodb = createDynamoDbDocumentClient(config.aws);
  try {
    const policy = skipDeletedUploads(new UploadStatusRepository(dynamodb, config.uploadsTable));
    if (values['failed-batches'] !== undefined) {
      const from = values['failed-batches'];
      const batches = failedBatchesIn(readFileSync(from === '-' ? 0 : from, 'utf8'));
      const redrive = new FailedBatchRedrive(kinesis, new BatchingRecordSender(kinesis, config.streamName), config.streamName);
      await reportFailedBatches(await redrive.run(batches, { dryRun: values['dry-run'], policy }), config.target, values['dry-run'] ?? false);
      return;
    }
    const redrive = new S3DeadLetterRedrive(s3, config.bucket, new BatchingRecordSender(kinesis, config.streamName));
    const summary = await redrive.run({ reasons, shardId: values.shard, limit, dryRun: values['dry-run'], policy });
    const verb = values['dry-run'] ? 'would redrive' : 'redriven';
    console.log(`dead letters of s3://${config.bucket}/dead-letter/ on ${config.target} → stream ${config.streamName}`);
    for (const key of summary.redriven) console.log(`  ${verb}: ${key}`);
    for (const { key, why } of summary.discarded) console.log(`  ${values['dry-run'] ? 'would discard' : 'discarded'} (${why}): ${key}`);
    for (const { key, why } of summary.skipped) console.log(`  left (${why}): ${key}`);
    for (const { key, error } of summary.failed) console.error(`  FAILED: ${key}: ${error}`);
    console.log(
      `${summary.redriven.length} ${verb}, ${summary.discarded.length} discarded, ${summary.skipped.length} left, ${summary.failed.length} failed`,
    );
    if (summary.failed.length > 0) process.exitCode = 1;
  } finally {
    s3.destroy();
    kinesis.destroy();
    dynamodb.destroy();
  }
}

async function reportFailedBatches(outcomes: Awaited<ReturnType<FailedBatchRedrive['run']>>, target: string, dryRun: boolean): Promise<void> {
  const verb = dryRun ? 'would redrive' : 'redriven';
  console.log(`failed batches re-read from the stream on ${target}`);
  for (const outcome of outcomes) {
    console.log(`  ${outcome.batch}: ${outcome.redriven} records ${verb}, ${outcome.discarded.length} discarded, ${outcome.left.length} left`);
    for (const { sequenceNumber, why } of outcome.discarded) console.log(`    discarded (${why}): ${sequenceNumber}`);
    if (outcome.trimmed) console.error(`    TRIMMED: ${outcome.trimmed}`);
    if (outcome.error) console.error(`    FAILED: ${outcome.error}`);
  }
  const redriven = outcomes.reduce((sum, outcome) => sum + outcome.redriven, 0);
  const failed = outcomes.filter((outcome) => outcome.error || outcome.trimmed).length;
  console.log(`${outcomes.length} batches, ${redriven} records ${verb}, ${failed} batches failed or trimmed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
