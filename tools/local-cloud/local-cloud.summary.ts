import type { LocalCloudOutputs } from './local-cloud.outputs';
import { REDIS_MISSING_WARNING } from './redis-server.process';

/** The line the CLI prints once everything is seeded; `npm start` waits for it. */
export const LOCAL_CLOUD_READY_LINE = 'Local cloud ready.';

/** The short summary the CLI prints: endpoints, the demo user, how to get a token. */
export function formatLocalCloudSummary(outputs: LocalCloudOutputs): string[] {
  const { endpoints, profile } = outputs;
  return [
    profile
      ? `Profile   ${profile.name} (seed ${profile.seed}): AWS-like latency and Kinesis shard limits, see docs/aws-profile.md`
      : 'Profile   loopback (no shaping; --profile aws for AWS-like latency and limits)',
    `Kinesis   ${endpoints.kinesis}  stream ${outputs.streamName}`,
    `S3        ${endpoints.s3}  bucket ${outputs.bucket}`,
    `DynamoDB  ${endpoints.dynamodb}  tables ${outputs.leaseTable}, ${outputs.uploadsTable}`,
    `Cognito   ${endpoints.cognito}  pool ${outputs.userPoolId}  client ${outputs.clientId}`,
    endpoints.redis ? `Redis     ${endpoints.redis}  the api's rate-limit buckets, shared by every api` : `Redis     ${REDIS_MISSING_WARNING}`,
    `Demo user ${outputs.demoUser.username}  password ${outputs.demoUser.password}`,
    'Get a token: npm run -s token',
  ];
}
