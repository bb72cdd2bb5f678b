import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { createKinesisClient, createS3Client, type AwsClientsOptions } from '@lib/aws';
import type { E2eEnvironment } from './e2e-environment';
import { ensureStream } from '../tools/local-cloud/local-cloud.seeder';

/** The options the apps build from the same environment: tests talk to AWS as the apps do. */
export function localAwsOptions(env: E2eEnvironment): AwsClientsOptions {
  return { region: env.region, endpoints: env.endpoints };
}

export function localS3Client(env: E2eEnvironment): S3Client {
  return createS3Client(localAwsOptions(env));
}

export function localKinesisClient(env: E2eEnvironment): KinesisClient {
  return createKinesisClient(localAwsOptions(env));
}

/**
 * Creates a stream of its own for one suite (suites run in parallel on one local cloud, and
 * workers on a shared stream would take each other's records) and waits until it is ACTIVE.
 */
export async function createStream(env: E2eEnvironment, streamName: string, shardCount: number): Promise<void> {
  const kinesis = localKinesisClient(env);
  try {
    await ensureStream(kinesis, streamName, shardCount);
  } finally {
    kinesis.destroy();
  }
}
