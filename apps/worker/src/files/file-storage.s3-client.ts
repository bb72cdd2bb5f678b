import type { FactoryProvider } from '@nestjs/common';
import { S3Client } from '@aws-sdk/client-s3';
import { AWS_CLIENTS_OPTIONS, createS3Client, type AwsClientsOptions, type S3ClientTuning } from '@lib/aws';
import { withFastProperties } from './fast-properties';

/** Token of the S3 client {@link FileStorage} puts objects with, its own (`FILE_STORAGE_S3`). */
export const FILE_STORAGE_S3 = Symbol('FILE_STORAGE_S3');

/** How that client's SDK settings differ from the shared one's. */
export const FILE_STORAGE_S3_TUNING: S3ClientTuning = { cacheMiddleware: true, reuseSigner: true };

/**
 * The one PutObject of every stored file is the worker's costliest call, most of it the SDK's
 * per-call work. This client, used by FileStorage alone (one bucket, PutObject only):
 * - resolves its middleware stack once instead of on every call (`cacheMiddleware`),
 * - builds its request signer once (`reuseSigner`),
 * - has its configuration laid out for cheap copies (withFastProperties).
 * Measured with bench/worker/s3-client-cost.main.ts and bench/worker/drain-ab.main.ts (README,
 * Worker benchmark). What goes over the wire is what the shared client sends: SigV4 on every
 * request, the SDK's checksums, retries and error handling. The shared `S3Client` (copies,
 * deletes, dead letters, health) keeps the SDK's defaults. The worker benchmark's S3 ceiling
 * puts with this client too. FileStorage closes it at shutdown.
 */
export function createFileStorageS3Client(options: AwsClientsOptions): S3Client {
  const client = createS3Client(options, FILE_STORAGE_S3_TUNING);
  // Its middlewares copy the configuration on every call: see withFastProperties.
  withFastProperties(client.config);
  return client;
}

export const fileStorageS3Provider: FactoryProvider<S3Client> = {
  provide: FILE_STORAGE_S3,
  inject: [AWS_CLIENTS_OPTIONS],
  useFactory: createFileStorageS3Client,
};
