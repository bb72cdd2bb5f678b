import { registerAs, type ConfigType } from '@nestjs/config';
import { awsClientsOptionsFrom } from '@lib/aws';
import { EnvironmentValidationError, validateEnvironment } from '@lib/config';
import { apiEnvironmentSchema, type ApiEnvironment } from './api-environment.schema';
import { publisherConfigFrom } from './publisher-environment.schema';
import { httpConfigFrom } from '../http/http-environment.schema';
import { admissionConfigFrom } from '../uploads/admission/admission-environment.schema';
import { rateLimitConfigFrom } from '../rate-limit/rate-limit-environment.schema';
import { webConfigFrom } from '../web/web-environment.schema';

/** The api's configuration, typed and derived from a validated environment. */
export function apiConfigFrom(env: ApiEnvironment) {
  checkAuthorizerTrust(env);
  const issuer =
    env.COGNITO_ISSUER ?? `https://cognito-idp.${env.AWS_REGION}.amazonaws.com/${env.COGNITO_USER_POOL_ID}`;
  const jwksUri = env.COGNITO_JWKS_URI ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  return {
    host: env.HOST,
    port: env.PORT,
    // The publisher retries whole PutRecords calls itself, with backoff, within the upload's
    // deadline: the SDK's own retries on top would multiply the calls per upload.
    aws: { ...awsClientsOptionsFrom(env), kinesisMaxAttempts: 1 },
    streamName: env.KINESIS_STREAM_NAME,
    publisher: publisherConfigFrom(env),
    rateLimit: rateLimitConfigFrom(env),
    http: httpConfigFrom(env),
    bucket: env.S3_BUCKET,
    uploadsTable: env.UPLOADS_TABLE,
    uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    uploadInlineMaxBytes: env.UPLOAD_INLINE_MAX_BYTES,
    uploadMaxConcurrentStaged: env.UPLOAD_MAX_CONCURRENT_STAGED,
    /** What one user, and everyone together, may have under way (see uploads/admission). */
    admission: admissionConfigFrom(env),
    presignedUrlTtlSeconds: env.UPLOAD_PRESIGNED_URL_TTL_S,
    /** The upload page at `/` (apps/api/src/web). */
    web: webConfigFrom(env, jwksUri),
    cognito: {
      userPoolId: env.COGNITO_USER_POOL_ID,
      clientIds: env.COGNITO_CLIENT_IDS,
      issuer: issuer.replace(/\/+$/, ''),
      jwksUri,
      clockToleranceSeconds: env.COGNITO_CLOCK_TOLERANCE_S,
      jwksRefetchIntervalMs: env.COGNITO_JWKS_REFETCH_INTERVAL_S * 1000,
      jwksMaxAgeMs: env.COGNITO_JWKS_MAX_AGE_S * 1000,
      jwksRemovalGraceMs: env.COGNITO_JWKS_REMOVAL_GRACE_S * 1000,
      trustApiGatewayAuthorizer: env.COGNITO_TRUST_API_GATEWAY_AUTHORIZER,
    },
    /** The Lambda function's name when running on AWS Lambda (set by the runtime), else undefined. */
    lambdaFunctionName: env.AWS_LAMBDA_FUNCTION_NAME,
  };
}

/**
 * Trusting the authorizer's claims is only sound where API Gateway is the only way in (the
 * Lambda runtime). Elsewhere the option is a misconfiguration, and failing start-up says so
 * rather than silently verifying tokens itself while the operator believes otherwise.
 */
function checkAuthorizerTrust(env: ApiEnvironment): void {
  if (env.COGNITO_TRUST_API_GATEWAY_AUTHORIZER && env.AWS_LAMBDA_FUNCTION_NAME === undefined) {
    throw new EnvironmentValidationError([
      'COGNITO_TRUST_API_GATEWAY_AUTHORIZER is "true": only allowed on AWS Lambda (AWS_LAMBDA_FUNCTION_NAME is not set); ' +
        'unset it or set it to false when the api verifies tokens itself',
    ]);
  }
}

/**
 * Registered with `ConfigModule.forRoot({ load: [apiConfig] })`. The factory runs when the
 * module is instantiated, not when this file is imported, so tests may set the environment
 * after their imports. A bad or missing variable fails start-up with an error naming it.
 * Inject with `@Inject(apiConfig.KEY) config: ApiConfig`.
 */
export const apiConfig = registerAs('api', () =>
  // The one place the api reads process.env.
  apiConfigFrom(validateEnvironment(apiEnvironmentSchema)(process.env)),
);

export type ApiConfig = ConfigType<typeof apiConfig>;
