import { e2eEnvironment } from './e2e-environment';

describe('e2eEnvironment', () => {
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:1',
    AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:2',
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:3',
    KINESIS_STREAM_NAME: 'file-events',
    S3_BUCKET: 'file-store',
    UPLOADS_TABLE: 'file-uploads',
    LEASE_TABLE: 'file-worker-leases',
    COGNITO_USER_POOL_ID: 'us-east-1_LocalPool1',
    COGNITO_CLIENT_IDS: 'c1',
    COGNITO_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool1',
    COGNITO_JWKS_URI: 'http://127.0.0.1:4/us-east-1_LocalPool1/.well-known/jwks.json',
    E2E_DEMO_ACCESS_TOKEN: 'demo-token',
    E2E_OTHER_ACCESS_TOKEN: 'other-token',
    E2E_DEMO_USERNAME: 'demo@example.com',
    E2E_OTHER_USERNAME: 'other@example.com',
    E2E_DEMO_PASSWORD: 'pw1',
    E2E_OTHER_PASSWORD: 'pw2',
    E2E_COGNITO_ENDPOINT: 'http://127.0.0.1:4',
    E2E_LOCAL_CLOUD_DIR: '/tmp/x',
    E2E_APP_VARIABLES: 'AWS_REGION,S3_BUCKET',
  };

  it('reads what the global setup set, typed', () => {
    const e2e = e2eEnvironment(env);
    expect(e2e.users.other).toEqual({ username: 'other@example.com', password: 'pw2', accessToken: 'other-token' });
    expect(e2e.endpoints.cognito).toBe('http://127.0.0.1:4');
    expect(e2e.clientIds).toEqual(['c1']);
    expect(e2e.appEnvironment).toEqual({ AWS_REGION: 'us-east-1', S3_BUCKET: 'file-store' });
  });

  it('says that the global setup did not run when its variables are missing', () => {
    const { E2E_DEMO_ACCESS_TOKEN: _, ...partial } = env;
    expect(() => e2eEnvironment(partial)).toThrow(/e2e global setup did not run \(E2E_DEMO_ACCESS_TOKEN not set\).*test-kit\/global-setup\.ts/);
  });
});
