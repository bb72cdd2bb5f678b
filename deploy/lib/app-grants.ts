import * as iam from 'aws-cdk-lib/aws-iam';
import { OWNER_INDEX_NAME } from '../../libs/upload-status/src/upload-listing';
import type { AppResources } from './app-resources';

/**
 * The bucket's key prefixes, and which app touches which: a grant names the prefixes, never
 * the whole bucket, so a bug in one app cannot read or overwrite what the other keeps.
 */
export const BUCKET_PREFIXES = {
  /** Stored files (`uploads/<id>.<ext>`). */
  uploads: 'uploads/*',
  /** Staged bytes and presigned grants (`incoming/<id>`, `incoming/<id>.grant.json`). */
  incoming: 'incoming/*',
  /** The worker's dead letters. */
  deadLetters: 'dead-letter/*',
  /** The worker's index of dead letters by upload id, for deletions. */
  deadLetterIndex: 'dead-letter-index/*',
} as const;

/** The prefixes each app's grants cover (nag acknowledgements name the same). */
export const API_BUCKET_PREFIXES = [BUCKET_PREFIXES.uploads, BUCKET_PREFIXES.incoming] as const;
export const WORKER_BUCKET_PREFIXES = Object.values(BUCKET_PREFIXES);

/**
 * The api's permissions, exactly what README "Configuration" lists, each through the
 * resource's own grant so it is scoped to that stream, bucket or table.
 */
export function grantApiAccess(api: iam.IGrantable, shared: AppResources): void {
  // PutRecords to publish; DescribeStreamSummary for /health/ready.
  shared.stream.grant(api, 'kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary');
  // Get: a stored file's content; the staged object and its grant (complete). ListBucket (on the
  // bucket, from the same grant): HeadBucket for readiness.
  shared.bucket.grantRead(api, BUCKET_PREFIXES.uploads);
  shared.bucket.grantRead(api, BUCKET_PREFIXES.incoming);
  // Put and Abort*: staging to incoming/ (multipart), grants, and presigned PUT URLs, there only.
  shared.bucket.grantPut(api, BUCKET_PREFIXES.incoming);
  shared.uploadsTable.grant(api, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem');
  // GET /uploads queries the owner index, and only it.
  iam.Grant.addToPrincipal({
    grantee: api,
    actions: ['dynamodb:Query'],
    resourceArns: [`${shared.uploadsTable.tableArn}/index/${OWNER_INDEX_NAME}`],
  });
}

/**
 * The worker's permissions. In a container it reads the stream itself and shares shards
 * through the lease table; on Lambda the event source mapping reads the stream (its own
 * grant), so `readsStream: false` leaves Kinesis and the lease table out.
 */
export function grantWorkerAccess(worker: iam.IGrantable, shared: AppResources, options: { readsStream: boolean }): void {
  if (options.readsStream) {
    shared.stream.grant(
      worker,
      'kinesis:ListShards',
      'kinesis:GetShardIterator',
      'kinesis:GetRecords',
      'kinesis:DescribeStreamSummary',
    );
    shared.leaseTable.grant(worker, 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem');
  }
  // Get: the copy out of incoming/, a stored file's check, dead letters and their index. Put:
  // inline files and copies into uploads/, dead letters and their index (never incoming/, the
  // api's). Delete (s3:DeleteObject*, with s3:DeleteObjectVersion) on all four: a deletion
  // erases every version of an upload's objects; List* on the bucket includes
  // s3:ListBucketVersions, which lists (keys only) before erasing.
  for (const prefix of WORKER_BUCKET_PREFIXES) {
    shared.bucket.grantRead(worker, prefix);
    shared.bucket.grantDelete(worker, prefix);
    if (prefix !== BUCKET_PREFIXES.incoming) shared.bucket.grantPut(worker, prefix);
  }
  // Conditional PutItem for every status; DeleteItem: a deletion removes the api's pending item
  // and completion marker.
  // BatchGetItem: the consistent reads of "is it deleted?" before storing, batched.
  shared.uploadsTable.grant(worker, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
}
