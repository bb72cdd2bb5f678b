import type { LocalCloudOutputs } from './local-cloud.outputs';

/**
 * The environment the api and the worker need to run against a local cloud (variable names
 * from the shared contract). `npm start`, `run-app` and the e2e global setup all use this, so
 * each part runs with the same configuration however it is started.
 */
export function localAppEnvironment(outputs: LocalCloudOutputs): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    AWS_REGION: outputs.region,
    AWS_ACCESS_KEY_ID: outputs.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: outputs.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_KINESIS: outputs.endpoints.kinesis,
    AWS_ENDPOINT_URL_S3: outputs.endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: outputs.endpoints.dynamodb,
    // s3rver stores aws-chunked checksum framing inside streamed bodies; this also covers
    // S3 clients built outside libs/aws (tests, scripts).
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    KINESIS_STREAM_NAME: outputs.streamName,
    S3_BUCKET: outputs.bucket,
    UPLOADS_TABLE: outputs.uploadsTable,
    LEASE_TABLE: outputs.leaseTable,
    COGNITO_USER_POOL_ID: outputs.userPoolId,
    COGNITO_CLIENT_IDS: outputs.clientId,
    COGNITO_ISSUER: outputs.issuer,
    COGNITO_JWKS_URI: outputs.jwksUri,
    // cognito-local serves the hosted login too: the upload page at / signs in there.
    COGNITO_DOMAIN: outputs.endpoints.cognito,
    // The api's rate-limit buckets, shared by every api on this local cloud (as on AWS).
    ...(outputs.endpoints.redis ? { RATE_LIMIT_REDIS_URL: outputs.endpoints.redis } : {}),
  };
}
