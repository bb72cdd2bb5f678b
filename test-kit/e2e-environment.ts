import type { LocalCloudOutputs } from '../tools/local-cloud/local-cloud.outputs';

/** Users the global setup creates and logs in once (one at a time: cognito-local's store breaks otherwise). */
export const E2E_USERS = {
  demo: 'demo@example.com',
  other: 'other@example.com',
} as const;

/** The variables the global setup adds on top of `localAppEnvironment`. */
export const E2E_VARIABLES = [
  'E2E_DEMO_ACCESS_TOKEN',
  'E2E_OTHER_ACCESS_TOKEN',
  'E2E_DEMO_USERNAME',
  'E2E_OTHER_USERNAME',
  'E2E_DEMO_PASSWORD',
  'E2E_OTHER_PASSWORD',
  'E2E_COGNITO_ENDPOINT',
  'E2E_LOCAL_CLOUD_DIR',
] as const;

/** The local cloud the e2e global setup started, and two logged-in users. */
export interface E2eEnvironment
  extends Pick<
    LocalCloudOutputs,
    'region' | 'endpoints' | 'credentials' | 'streamName' | 'bucket' | 'uploadsTable' | 'leaseTable' | 'userPoolId' | 'issuer' | 'jwksUri'
  > {
  clientIds: string[];
  /** The seeded demo user and a second user, for "not the owner" cases. */
  users: Record<keyof typeof E2E_USERS, { username: string; password: string; accessToken: string }>;
  localCloudDir: string;
  /** Everything `localAppEnvironment` returned (what the apps read), for `ConfigModule` in tests. */
  appEnvironment: Record<string, string>;
}

const REQUIRED = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ENDPOINT_URL_KINESIS',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'KINESIS_STREAM_NAME',
  'S3_BUCKET',
  'UPLOADS_TABLE',
  'LEASE_TABLE',
  'COGNITO_USER_POOL_ID',
  'COGNITO_CLIENT_IDS',
  'COGNITO_ISSUER',
  'COGNITO_JWKS_URI',
  ...E2E_VARIABLES,
] as const;

/** The environment variable that lists the names the global setup set (so tests can copy exactly those). */
export const E2E_APP_VARIABLES = 'E2E_APP_VARIABLES';

/**
 * What the e2e global setup (`test-kit/global-setup.ts`) put into the environment, typed.
 * Throws a clear error when it did not run (a test started outside the e2e jest project).
 */
export function e2eEnvironment(env: NodeJS.ProcessEnv = process.env): E2eEnvironment {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `The e2e global setup did not run (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''} not set): ` +
        'run e2e tests through the jest e2e project (npm run test:e2e), whose globalSetup is test-kit/global-setup.ts',
    );
  }
  const get = (name: (typeof REQUIRED)[number]) => env[name] as string;
  const appNames = (env[E2E_APP_VARIABLES] ?? '').split(',').filter(Boolean);
  return {
    region: get('AWS_REGION'),
    endpoints: {
      kinesis: get('AWS_ENDPOINT_URL_KINESIS'),
      s3: get('AWS_ENDPOINT_URL_S3'),
      dynamodb: get('AWS_ENDPOINT_URL_DYNAMODB'),
      cognito: get('E2E_COGNITO_ENDPOINT'),
    },
    credentials: { accessKeyId: get('AWS_ACCESS_KEY_ID'), secretAccessKey: get('AWS_SECRET_ACCESS_KEY') },
    streamName: get('KINESIS_STREAM_NAME'),
    bucket: get('S3_BUCKET'),
    uploadsTable: get('UPLOADS_TABLE'),
    leaseTable: get('LEASE_TABLE'),
    userPoolId: get('COGNITO_USER_POOL_ID'),
    clientIds: get('COGNITO_CLIENT_IDS').split(','),
    issuer: get('COGNITO_ISSUER'),
    jwksUri: get('COGNITO_JWKS_URI'),
    users: {
      demo: { username: get('E2E_DEMO_USERNAME'), password: get('E2E_DEMO_PASSWORD'), accessToken: get('E2E_DEMO_ACCESS_TOKEN') },
      other: { username: get('E2E_OTHER_USERNAME'), password: get('E2E_OTHER_PASSWORD'), accessToken: get('E2E_OTHER_ACCESS_TOKEN') },
    },
    localCloudDir: get('E2E_LOCAL_CLOUD_DIR'),
    appEnvironment: Object.fromEntries(appNames.map((name) => [name, env[name] ?? ''])),
  };
}
