import type { Duration } from 'aws-cdk-lib';
import type { AppResources } from './app-resources';

/**
 * The api container's V8 flag, `--max-semi-space-size=2`: V8 frees the 64 KiB socket chunks
 * of a streamed upload at its next young-generation collection, so a small young generation
 * keeps a 50 MiB upload's RSS growth near 20 MiB instead of 30 (README "Large files"). It
 * costs CPU on every small upload (bench:upload measures both), so the Lambda function,
 * whose request bodies API Gateway caps at 10 MB (large files go presigned), runs without it.
 */
export const API_NODE_OPTIONS = '--max-semi-space-size=2';

/** Port of the worker's health endpoints in a container (WORKER_HEALTH_PORT). */
export const WORKER_HEALTH_PORT = 3001;
/** Port the api listens on in a container (PORT). */
export const API_PORT = 3000;

/** The variables both apps read to find the shared resources (apps/*\/src/config). */
function resourceEnvironment(shared: AppResources): Record<string, string> {
  return {
    NODE_ENV: 'production',
    KINESIS_STREAM_NAME: shared.stream.streamName,
    S3_BUCKET: shared.bucket.bucketName,
    UPLOADS_TABLE: shared.uploadsTable.tableName,
  };
}

/** The user pool and the app client whose access tokens the api accepts. */
export interface CognitoIds {
  readonly userPoolId: string;
  readonly clientId: string;
}

/** The api's environment (apps/api/src/config/api-environment.schema.ts). */
export function apiEnvironment(shared: AppResources, auth: CognitoIds, mode: 'lambda' | 'container'): Record<string, string> {
  return {
    ...resourceEnvironment(shared),
    COGNITO_USER_POOL_ID: auth.userPoolId,
    COGNITO_CLIENT_IDS: auth.clientId,
    // No NODE_OPTIONS on Lambda (neither function): `--enable-source-maps` makes Node read and
    // parse the bundle's 8.7 MB source map during the cold start (+100-130 ms of CPU measured
    // here); stack traces name positions in bundle.js, which bundle.js.map beside it resolves.
    ...(mode === 'lambda'
      ? {
          // The HTTP API's JWT authorizer already verified the token (README "Behind API Gateway").
          COGNITO_TRUST_API_GATEWAY_AUTHORIZER: 'true',
        }
      : // In a container the flag is part of the command (API_COMMAND), for the api alone.
        // Behind the ALB: one proxy hop, whose X-Forwarded-For names the client.
        { PORT: String(API_PORT), HTTP_TRUSTED_PROXIES: '1' }),
  };
}

/**
 * Records of one shard's batch the Lambda worker handles at once, across partition keys
 * (KINESIS_MAX_CONCURRENCY). Measured with `npm run bench:lambda-worker` (README "On AWS
 * Lambda"): behind the AWS profile, 16 stored a shard's records 8–10× faster than one at a
 * time. 32 needs CPU the function does not have to spare: at ~1.1–1.7 ms of CPU per record, 16
 * records in flight (about 300 records/s when S3 answers in ~30 ms) already use half of the
 * ~0.6 vCPU Lambda gives 1,024 MB, and in the busy run, where CPU was as scarce, 32 was no
 * faster than 16 (123 against 111 records/s). More throughput per shard comes from a second
 * batch in flight instead (WORKER_EVENT_SOURCE's parallelizationFactor), in an environment
 * with CPU of its own.
 */
export const LAMBDA_WORKER_MAX_CONCURRENCY = 16;

/** How the worker runs: in a container, or on Lambda with a record-age deadline for dead letters. */
export type WorkerMode = { mode: 'container' } | { mode: 'lambda'; deadLetterAge: Duration };

/** The worker's environment (apps/worker/src/config/worker-environment.schema.ts). */
export function workerEnvironment(shared: AppResources, how: WorkerMode): Record<string, string> {
  return {
    ...resourceEnvironment(shared),
    ...(how.mode === 'lambda'
      ? {
          // A shard's batch (up to 100 records) is one invocation: records of different
          // partition keys overlap their S3 waits (see LAMBDA_WORKER_MAX_CONCURRENCY).
          KINESIS_MAX_CONCURRENCY: String(LAMBDA_WORKER_MAX_CONCURRENCY),
          // The mapping retries without end: past this age a record that still fails is
          // dead-lettered with its bytes before the stream trims it (WORKER_EVENT_SOURCE).
          KINESIS_MAX_RECORD_AGE_S: String(how.deadLetterAge.toSeconds()),
        }
      : { LEASE_TABLE: shared.leaseTable.tableName, WORKER_HEALTH_PORT: String(WORKER_HEALTH_PORT) }),
  };
}
