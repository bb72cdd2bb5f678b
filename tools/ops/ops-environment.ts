import { awsClientsOptionsFrom, awsEnvironmentSchema, type AwsClientsOptions } from '@lib/aws';
import { env, validateEnvironment } from '@lib/config';
import { localAppEnvironment } from '../local-cloud/local-app.environment';
import { localCloudDir } from '../local-cloud/local-cloud.options';
import { outputsPath, readOutputs } from '../local-cloud/local-cloud.outputs';

/** What the operator commands read: the same variables, with the same defaults, as the apps. */
const opsEnvironmentSchema = awsEnvironmentSchema.extend({
  KINESIS_STREAM_NAME: env.name('file-events'),
  S3_BUCKET: env.name('file-store'),
  LEASE_TABLE: env.name('file-worker-leases'),
  UPLOADS_TABLE: env.name('file-uploads'),
});

export interface OpsConfig {
  aws: AwsClientsOptions;
  streamName: string;
  bucket: string;
  leaseTable: string;
  uploadsTable: string;
  /** Where the values came from, for the first line of output. */
  target: string;
}

/**
 * The configuration of an operator command. With `--local` it targets the local cloud of
 * `npm start` (its outputs under the user's environment, as `npm run start:worker` does);
 * otherwise the environment alone, as on real AWS (region, names; credentials from the
 * default provider chain).
 */
export function opsConfig(local: boolean, user: NodeJS.ProcessEnv = process.env): OpsConfig {
  let source = user;
  if (local) {
    const outputs = readOutputs(localCloudDir());
    if (!outputs) throw new Error(`--local: no local cloud at ${outputsPath(localCloudDir())}; start it with npm start or npm run local-cloud`);
    source = { ...localAppEnvironment(outputs), ...user };
    Object.assign(process.env, localAppEnvironment(outputs), user); // credentials for the SDK's provider chain
  }
  const parsed = validateEnvironment(opsEnvironmentSchema)(source);
  return {
    aws: awsClientsOptionsFrom(parsed),
    streamName: parsed.KINESIS_STREAM_NAME,
    bucket: parsed.S3_BUCKET,
    leaseTable: parsed.LEASE_TABLE,
    uploadsTable: parsed.UPLOADS_TABLE,
    target: local ? 'the local cloud' : `AWS (${parsed.AWS_REGION})`,
  };
}
