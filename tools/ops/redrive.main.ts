// `npm run redrive -- [--reason <reason>]... [--shard <id>] [--limit N] [--dry-run] [--local]`:
// publishes the worker's dead letters (dead-letter/ in the bucket) again once their cause is
// fixed, then deletes them. Malformed records are left out unless --reason malformed-record;
// uploads deleted since their letter was written are discarded (see skipDeletedUploads).
import { parseArgs } from 'node:util';
import { createDynamoDbDocumentClient, createKinesisClient, createS3Client } from '@lib/aws';
import { BatchingRecordSender, S3DeadLetterRedrive, type DeadLetterReason } from '@lib/kinesis';
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
    const redrive = new S3DeadLetterRedrive(s3, config.bucket, new BatchingRecordSender(kinesis, config.streamName));
    const policy = skipDeletedUploads(new UploadStatusRepository(dynamodb, config.uploadsTable));
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
