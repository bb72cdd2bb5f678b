import { z } from 'zod';
import { awsEnvironmentSchema } from '@lib/aws';
import { env } from '@lib/config';

/** Kinesis refuses records over 1 MiB (data + partition key). */
const KINESIS_RECORD_BYTES = 1024 * 1024;
/** Room kept for the JSON envelope around the file: ids, key, owner, name, headers. */
const ENVELOPE_RESERVE_BYTES = 16 * 1024;

/**
 * The largest file that travels inline: its base64 form (4 bytes per 3) plus the envelope
 * must fit one Kinesis record. Larger files need S3 staging (claim check), which comes with
 * a later issue; until then this caps `UPLOAD_MAX_BYTES`.
 */
export const INLINE_UPLOAD_CAPACITY = Math.floor((KINESIS_RECORD_BYTES - ENVELOPE_RESERVE_BYTES) / 4) * 3;

/** 700 KiB: comfortably inside {@link INLINE_UPLOAD_CAPACITY}. */
export const DEFAULT_UPLOAD_MAX_BYTES = 700 * 1024;

/** Clock skew forgiven on token times, in seconds (the issue asks for at most 60). */
export const DEFAULT_CLOCK_TOLERANCE_S = 30;

/** At most one JWKS refetch per this many seconds, shared by every unknown `kid`. */
export const DEFAULT_JWKS_REFETCH_INTERVAL_S = 10;

/** Every environment variable the api reads, validated once at start-up. */
export const apiEnvironmentSchema = awsEnvironmentSchema.extend({
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
  // Lambda mode: trust the claims an API Gateway HTTP API JWT authorizer verified (see
  // CognitoAuthGuard). Off by default; refused at start-up when not running on Lambda.
  COGNITO_TRUST_API_GATEWAY_AUTHORIZER: env.bool(false),
  // Set by the Lambda runtime, never by us: its presence is how the api knows it runs on Lambda.
  AWS_LAMBDA_FUNCTION_NAME: z.string().min(1).optional(),
  UPLOAD_MAX_BYTES: env
    .positiveInt(DEFAULT_UPLOAD_MAX_BYTES)
    .pipe(
      z
        .number()
        .max(
          INLINE_UPLOAD_CAPACITY,
          `must be at most ${INLINE_UPLOAD_CAPACITY}: larger files do not fit one Kinesis record inline (S3 staging is not implemented yet)`,
        ),
    ),
});

export type ApiEnvironment = z.infer<typeof apiEnvironmentSchema>;
