import { z } from 'zod';
import { awsEnvironmentSchema } from '@lib/aws';
import { env } from '@lib/config';
import { publisherEnvironmentShape } from './publisher-environment.schema';
import { httpEnvironmentShape } from '../http/http-environment.schema';
import { admissionEnvironmentShape } from '../uploads/admission/admission-environment.schema';
import { rateLimitEnvironmentShape } from '../rate-limit/rate-limit-environment.schema';
import { webEnvironmentShape } from '../web/web-environment.schema';

/** Kinesis refuses records over 1 MiB (data + partition key). */
const KINESIS_RECORD_BYTES = 1024 * 1024;
/** Room kept for the JSON envelope around the file: ids, key, owner, name, headers. */
const ENVELOPE_RESERVE_BYTES = 16 * 1024;

/**
 * The largest file that could travel inline: its base64 form (4 bytes per 3) plus the
 * envelope must fit one Kinesis record. `UPLOAD_INLINE_MAX_BYTES` may not exceed it.
 */
export const INLINE_UPLOAD_CAPACITY = Math.floor((KINESIS_RECORD_BYTES - ENVELOPE_RESERVE_BYTES) / 4) * 3;

/** 100 MiB, what the public contract promises by default. */
export const DEFAULT_UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

/**
 * 5 GiB: the largest object one PutObject (the presigned PUT) or one CopyObject (the worker's
 * move out of incoming/) can handle. Larger files would need multipart copies and uploads.
 */
export const UPLOAD_MAX_BYTES_CEILING = 5 * 1024 * 1024 * 1024;

/**
 * 4 KiB: chosen by capacity (`npm run bench:inline`, README "Inline or staged"). A shard takes
 * 1 MiB/s, and a file inline costs it 4/3 of its size (base64) plus the envelope, so a 64 KiB
 * file inline lets a shard take about 13 uploads/s, where staged (a ~1 KiB reference; the bytes
 * go to S3 incoming/, then one CopyObject and one DeleteObject) it took 160/s at the AWS
 * profile. Up to about 4 KiB inline is as fast per shard as staged, and saves the upload its
 * two extra S3 round trips and requests. The api holds at most this many bytes of one upload
 * in memory.
 */
export const DEFAULT_UPLOAD_INLINE_MAX_BYTES = 4 * 1024;

/** 15 minutes to start the PUT to a presigned upload URL. */
export const DEFAULT_UPLOAD_PRESIGNED_URL_TTL_S = 15 * 60;

/** Clock skew forgiven on token times, in seconds (the issue asks for at most 60). */
export const DEFAULT_CLOCK_TOLERANCE_S = 30;

/** At most one JWKS refetch per this many seconds, shared by every unknown `kid`. */
export const DEFAULT_JWKS_REFETCH_INTERVAL_S = 10;

/** The JWKS is fetched again in the background once the last good copy is this old. */
export const DEFAULT_JWKS_MAX_AGE_S = 5 * 60;

/** A key gone from the JWKS is still trusted this long (tokens signed just before a rotation). */
export const DEFAULT_JWKS_REMOVAL_GRACE_S = 5 * 60;

/** Every environment variable the api reads, validated once at start-up. */
export const apiEnvironmentSchema = awsEnvironmentSchema.extend({
  ...publisherEnvironmentShape,
  ...rateLimitEnvironmentShape,
  ...httpEnvironmentShape,
  ...webEnvironmentShape,
  ...admissionEnvironmentShape,
  PORT: env.port(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  KINESIS_STREAM_NAME: env.name('file-events'),
  S3_BUCKET: env.name('file-store'),
  UPLOADS_TABLE: env.name('file-uploads'),
  COGNITO_USER_POOL_ID: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must look like <region>_<id>'),
  COGNITO_CLIENT_IDS: env.list(),
  COGNITO_ISSUER: env.optionalUrl(),
  COGNITO_JWKS_URI: env.optionalUrl(),
  // Clock skew forgiven on exp/nbf/iat; at most a minute so a stolen token barely outlives its expiry.
  COGNITO_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(60).default(DEFAULT_CLOCK_TOLERANCE_S),
  // One JWKS refetch per window, whatever the kids asked for (see CognitoSigningKeyStore).
  COGNITO_JWKS_REFETCH_INTERVAL_S: env.positiveInt(DEFAULT_JWKS_REFETCH_INTERVAL_S),
  // How stale the keys may get, and how long a key removed from the JWKS stays trusted: a
  // revoked key is refused at most max age + grace after its removal.
  COGNITO_JWKS_MAX_AGE_S: env.positiveInt(DEFAULT_JWKS_MAX_AGE_S),
  COGNITO_JWKS_REMOVAL_GRACE_S: z.coerce.number().int().min(0).default(DEFAULT_JWKS_REMOVAL_GRACE_S),
  // Lambda mode: trust the claims an API Gateway HTTP API JWT authorizer verified (see
  // CognitoAuthGuard). Off by default; refused at start-up when not running on Lambda.
  COGNITO_TRUST_API_GATEWAY_AUTHORIZER: env.bool(false),
  // Set by the Lambda runtime, never by us: its presence is how the api knows it runs on Lambda.
  AWS_LAMBDA_FUNCTION_NAME: z.string().min(1).optional(),
  UPLOAD_MAX_BYTES: env
    .positiveInt(DEFAULT_UPLOAD_MAX_BYTES)
    .pipe(z.number().max(UPLOAD_MAX_BYTES_CEILING, `must be at most ${UPLOAD_MAX_BYTES_CEILING} (5 GiB, one PutObject/CopyObject)`)),
  // Bodies up to this size travel inside the Kinesis record; larger ones are staged in S3.
  UPLOAD_INLINE_MAX_BYTES: env
    .positiveInt(DEFAULT_UPLOAD_INLINE_MAX_BYTES)
    .pipe(
      z
        .number()
        .max(INLINE_UPLOAD_CAPACITY, `must be at most ${INLINE_UPLOAD_CAPACITY}: base64 plus the envelope must fit one 1 MiB Kinesis record`),
    ),
  // Large uploads staged at once; each holds a 5 MiB part buffer, so 32 bound that to 160 MiB.
  // Each user gets a fair share of them (see StagingSlots).
  UPLOAD_MAX_CONCURRENT_STAGED: z.coerce.number().int().min(1).max(10_000).default(32),
  // How long a presigned upload URL stays valid (S3 allows up to 7 days).
  UPLOAD_PRESIGNED_URL_TTL_S: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(DEFAULT_UPLOAD_PRESIGNED_URL_TTL_S),
});

export type ApiEnvironment = z.infer<typeof apiEnvironmentSchema>;
