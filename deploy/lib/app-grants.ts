import * as iam from 'aws-cdk-lib/aws-iam';
import { OWNER_INDEX_NAME } from '../../libs/upload-status/src/upload-listing';
import type { AppResources } from './app-resources';

/**
 * The api's permissions, exactly what README "Configuration" lists, each through the
 * resource's own grant so it is scoped to that stream, bucket or table.
 */
export function grantApiAccess(api: iam.IGrantable, shared: AppResources): void {
  // PutRecords to publish; DescribeStreamSummary for /health/ready.
  shared.stream.grant(api, 'kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary');
  // Get: content, complete (hash of the staged object); ListBucket: HeadBucket for readiness.
  shared.bucket.grantRead(api);
  // Put and Abort*: staging to incoming/ (multipart) and presigned PUT URLs.
  shared.bucket.grantPut(api);
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
  // Get + Put: inline files, the copy out of incoming/, dead letters and their index by upload.
  // List* includes s3:ListBucketVersions, Delete (s3:DeleteObject*) s3:DeleteObjectVersion: a
  // deletion erases every version of the upload's objects, not just the current one.
  shared.bucket.grantRead(worker);
  shared.bucket.grantPut(worker);
  shared.bucket.grantDelete(worker);
  // Conditional PutItem for every status; DeleteItem: a deletion removes the api's pending item
  // and completion marker.
  shared.uploadsTable.grant(worker, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
}
