import { localAppEnvironment } from './local-app.environment';
import type { LocalCloudOutputs } from './local-cloud.outputs';

const outputs: LocalCloudOutputs = {
  region: 'us-east-1',
  ports: { kinesis: 4567, s3: 4568, dynamodb: 4569, cognito: 9229, redis: 0 },
  endpoints: {
    kinesis: 'http://127.0.0.1:4567',
    s3: 'http://127.0.0.1:4568',
    dynamodb: 'http://127.0.0.1:4569',
    cognito: 'http://127.0.0.1:9229',
  },
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  streamName: 'file-events',
  bucket: 'file-store',
  uploadsTable: 'file-uploads',
  leaseTable: 'file-worker-leases',
  userPoolId: 'us-east-1_LocalPool1',
  clientId: 'client123',
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool1',
  jwksUri: 'http://127.0.0.1:9229/us-east-1_LocalPool1/.well-known/jwks.json',
  demoUser: { username: 'demo@example.com', password: 'pw' },
  seededAt: '2026-01-01T00:00:00.000Z',
};

describe('localAppEnvironment', () => {
  it('gives the apps every shared variable for the local cloud', () => {
    expect(localAppEnvironment(outputs)).toEqual({
      HOST: '127.0.0.1',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4568',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4569',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      KINESIS_STREAM_NAME: 'file-events',
      S3_BUCKET: 'file-store',
      UPLOADS_TABLE: 'file-uploads',
      LEASE_TABLE: 'file-worker-leases',
      COGNITO_USER_POOL_ID: 'us-east-1_LocalPool1',
      COGNITO_CLIENT_IDS: 'client123',
      COGNITO_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool1',
      COGNITO_JWKS_URI: 'http://127.0.0.1:9229/us-east-1_LocalPool1/.well-known/jwks.json',
      COGNITO_DOMAIN: 'http://127.0.0.1:9229',
    });
  });

  it('shares the rate limits through the local redis-server when it runs, and leaves them per process otherwise', () => {
    const withRedis = { ...outputs, endpoints: { ...outputs.endpoints, redis: 'redis://127.0.0.1:4570' } };
    expect(localAppEnvironment(withRedis).RATE_LIMIT_REDIS_URL).toBe('redis://127.0.0.1:4570');
    expect(localAppEnvironment(outputs)).not.toHaveProperty('RATE_LIMIT_REDIS_URL');
  });

  it('follows moved ports', () => {
    const moved = { ...outputs, endpoints: { ...outputs.endpoints, s3: 'http://127.0.0.1:5000' } };
    expect(localAppEnvironment(moved).AWS_ENDPOINT_URL_S3).toBe('http://127.0.0.1:5000');
  });
});
