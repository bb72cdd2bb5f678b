import { Fn, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { SharedStack } from './shared.stack';

/** The shared resources as a mode's stack sees them (what the grants are scoped to). */
export interface AppResources {
  readonly stream: kinesis.IStream;
  readonly bucket: s3.IBucket;
  readonly uploadsTable: dynamodb.ITable;
  readonly leaseTable: dynamodb.ITable;
}

/**
 * The shared resources for a consuming stack. The bucket comes in through the shared stack's
 * named exports rather than an automatic (hash-named) cross-stack reference, so its object
 * grants render as `<export name>/*` and cdk-nag's finding can be acknowledged by name.
 */
export function appResourcesIn(consumer: Stack, shared: SharedStack): AppResources {
  consumer.addStackDependency(shared, 'imports the files bucket by export name');
  return {
    stream: shared.stream,
    bucket: s3.Bucket.fromBucketAttributes(consumer, 'FilesBucket', {
      bucketArn: Fn.importValue(shared.bucketArnExportName),
      bucketName: Fn.importValue(shared.bucketNameExportName),
    }),
    // Imported by ARN, without its indexes: a grant on it names the table alone, not
    // `<table>/index/*`; the one index the api queries is granted by name (app-grants.ts).
    uploadsTable: dynamodb.Table.fromTableArn(consumer, 'UploadsTable', shared.uploadsTable.tableArn),
    leaseTable: shared.leaseTable,
  };
}
